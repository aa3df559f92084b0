-- AlterTable
ALTER TABLE "Project" ADD COLUMN "frozenAt" DATETIME;
ALTER TABLE "Project" ADD COLUMN "frozenStopMin" INTEGER;
