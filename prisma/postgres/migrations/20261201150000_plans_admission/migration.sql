-- AlterTable
ALTER TABLE "Project" ADD COLUMN "memoryMb" INTEGER,
ADD COLUMN "milliCpus" INTEGER;

-- AlterTable
ALTER TABLE "SystemSettings" ADD COLUMN "defaultPlanId" TEXT,
ADD COLUMN "memoryCommitPercent" INTEGER NOT NULL DEFAULT 150,
ADD COLUMN "minFreeDiskMb" INTEGER NOT NULL DEFAULT 2048,
ADD COLUMN "admissionVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "User" ADD COLUMN "planId" TEXT;

-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "memoryMb" INTEGER NOT NULL,
    "milliCpus" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Plan_name_key" ON "Plan"("name");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE SET NULL ON UPDATE CASCADE;
