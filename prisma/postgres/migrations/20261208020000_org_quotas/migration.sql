-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "planId" TEXT,
ADD COLUMN     "projectQuota" INTEGER,
ADD COLUMN     "quotaVersion" INTEGER NOT NULL DEFAULT 0;
