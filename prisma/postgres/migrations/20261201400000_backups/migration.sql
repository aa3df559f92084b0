-- CreateEnum
CREATE TYPE "BackupKind" AS ENUM ('SCHEDULED', 'MANUAL', 'FINAL');

-- CreateEnum
CREATE TYPE "BackupStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "RestoreKind" AS ENUM ('RESTORE', 'CLONE', 'UNDELETE');

-- CreateEnum
CREATE TYPE "RestoreStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "backupRetentionDays" INTEGER;

-- AlterTable
ALTER TABLE "Project" ADD COLUMN "dataGeneration" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "backupKey" TEXT;

-- AlterTable
ALTER TABLE "SystemSettings" ADD COLUMN "backupRetentionDays" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN "softDeleteDays" INTEGER NOT NULL DEFAULT 7;

-- CreateTable
CREATE TABLE "Backup" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "kind" "BackupKind" NOT NULL,
    "status" "BackupStatus" NOT NULL DEFAULT 'RUNNING',
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
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Backup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Restore" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "backupId" TEXT,
    "kind" "RestoreKind" NOT NULL,
    "status" "RestoreStatus" NOT NULL DEFAULT 'RUNNING',
    "fromGeneration" INTEGER NOT NULL,
    "toGeneration" INTEGER NOT NULL,
    "previousStatus" "ProjectStatus" NOT NULL,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Restore_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Backup_projectId_startedAt_idx" ON "Backup"("projectId", "startedAt");

-- CreateIndex
CREATE INDEX "Backup_status_idx" ON "Backup"("status");

-- CreateIndex
CREATE INDEX "Restore_projectId_startedAt_idx" ON "Restore"("projectId", "startedAt");

-- CreateIndex
CREATE INDEX "Restore_status_idx" ON "Restore"("status");

-- AddForeignKey
ALTER TABLE "Backup" ADD CONSTRAINT "Backup_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Restore" ADD CONSTRAINT "Restore_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Restore" ADD CONSTRAINT "Restore_backupId_fkey" FOREIGN KEY ("backupId") REFERENCES "Backup"("id") ON DELETE SET NULL ON UPDATE CASCADE;
