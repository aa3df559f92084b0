-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "dbDiskMb" INTEGER,
ADD COLUMN     "fileSizeLimitMb" INTEGER,
ADD COLUMN     "backupQuotaMb" INTEGER;

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "fileSizeLimitMb" INTEGER,
ADD COLUMN     "dbSizeMb" INTEGER,
ADD COLUMN     "dbSizeAt" TIMESTAMP(3),
ADD COLUMN     "dbDiskQuotaMb" INTEGER,
ADD COLUMN     "dbReadOnly" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "dbDiskWarnedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "SystemSettings" ADD COLUMN     "defaultDbDiskMb" INTEGER NOT NULL DEFAULT 8192,
ADD COLUMN     "defaultBackupQuotaMb" INTEGER NOT NULL DEFAULT 20480;
