-- AlterTable
ALTER TABLE "Project" ADD COLUMN "nodeId" TEXT;
ALTER TABLE "Project" ADD COLUMN "nodeAddress" TEXT;
