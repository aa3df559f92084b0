-- AlterTable
ALTER TABLE "Project" ADD COLUMN "pausedBy" TEXT,
ADD COLUMN "pausedAt" TIMESTAMP(3),
ADD COLUMN "idleTimeoutMin" INTEGER,
ADD COLUMN "lastActivityAt" TIMESTAMP(3);

-- Projects paused before this column existed were paused by a person.
UPDATE "Project" SET "pausedBy" = 'owner' WHERE "status" IN ('INACTIVE', 'PAUSING');

-- AlterTable
ALTER TABLE "SystemSettings" ADD COLUMN "idleTimeoutMin" INTEGER NOT NULL DEFAULT 10080;
