-- AlterTable
ALTER TABLE "Project" ADD COLUMN "pausedBy" TEXT;
ALTER TABLE "Project" ADD COLUMN "pausedAt" DATETIME;
ALTER TABLE "Project" ADD COLUMN "idleTimeoutMin" INTEGER;
ALTER TABLE "Project" ADD COLUMN "lastActivityAt" DATETIME;

-- Projects paused before this column existed were paused by a person.
UPDATE "Project" SET "pausedBy" = 'owner' WHERE "status" IN ('INACTIVE', 'PAUSING');

-- AlterTable
ALTER TABLE "SystemSettings" ADD COLUMN "idleTimeoutMin" INTEGER NOT NULL DEFAULT 10080;
