-- AlterTable
ALTER TABLE "Organization" ADD COLUMN "planId" TEXT;
ALTER TABLE "Organization" ADD COLUMN "projectQuota" INTEGER;
ALTER TABLE "Organization" ADD COLUMN "quotaVersion" INTEGER NOT NULL DEFAULT 0;
