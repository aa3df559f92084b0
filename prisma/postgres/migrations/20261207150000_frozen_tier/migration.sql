-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "frozenAt" TIMESTAMP(3),
ADD COLUMN     "frozenStopMin" INTEGER;
