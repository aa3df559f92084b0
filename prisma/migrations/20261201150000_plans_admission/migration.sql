-- AlterTable
ALTER TABLE "Project" ADD COLUMN "memoryMb" INTEGER;
ALTER TABLE "Project" ADD COLUMN "milliCpus" INTEGER;

-- AlterTable
ALTER TABLE "SystemSettings" ADD COLUMN "defaultPlanId" TEXT;
ALTER TABLE "SystemSettings" ADD COLUMN "memoryCommitPercent" INTEGER NOT NULL DEFAULT 150;
ALTER TABLE "SystemSettings" ADD COLUMN "minFreeDiskMb" INTEGER NOT NULL DEFAULT 2048;
ALTER TABLE "SystemSettings" ADD COLUMN "admissionVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "memoryMb" INTEGER NOT NULL,
    "milliCpus" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables: SQLite cannot add a foreign key to an existing table.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'USER',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "pendingApproval" BOOLEAN NOT NULL DEFAULT false,
    "projectQuota" INTEGER,
    "quotaVersion" INTEGER NOT NULL DEFAULT 0,
    "planId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "User_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_User" ("createdAt", "disabled", "email", "id", "name", "passwordHash", "pendingApproval", "projectQuota", "quotaVersion", "role", "updatedAt") SELECT "createdAt", "disabled", "email", "id", "name", "passwordHash", "pendingApproval", "projectQuota", "quotaVersion", "role", "updatedAt" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Plan_name_key" ON "Plan"("name");
