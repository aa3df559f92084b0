-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "backupRetentionDays" INTEGER;

-- AlterTable
ALTER TABLE "Project" ADD COLUMN "dataGeneration" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Project" ADD COLUMN "backupKey" TEXT;

-- AlterTable
ALTER TABLE "SystemSettings" ADD COLUMN "backupRetentionDays" INTEGER NOT NULL DEFAULT 7;
ALTER TABLE "SystemSettings" ADD COLUMN "softDeleteDays" INTEGER NOT NULL DEFAULT 7;

-- CreateTable
CREATE TABLE "Backup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "target" TEXT NOT NULL,
    "objectKey" TEXT NOT NULL,
    "stackVersion" TEXT NOT NULL,
    "dbImage" TEXT NOT NULL,
    "method" TEXT,
    "sizeBytes" BIGINT,
    "durationMs" INTEGER,
    "checksum" TEXT,
    "secrets" TEXT NOT NULL,
    "dataGeneration" INTEGER NOT NULL,
    "error" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "Backup_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Restore" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "backupId" TEXT,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "fromGeneration" INTEGER NOT NULL,
    "toGeneration" INTEGER NOT NULL,
    "previousStatus" TEXT NOT NULL,
    "error" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "Restore_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Restore_backupId_fkey" FOREIGN KEY ("backupId") REFERENCES "Backup" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Backup_projectId_startedAt_idx" ON "Backup"("projectId", "startedAt");

-- CreateIndex
CREATE INDEX "Backup_status_idx" ON "Backup"("status");

-- CreateIndex
CREATE INDEX "Restore_projectId_startedAt_idx" ON "Restore"("projectId", "startedAt");

-- CreateIndex
CREATE INDEX "Restore_status_idx" ON "Restore"("status");
