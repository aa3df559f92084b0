-- AlterTable
ALTER TABLE "Project" ADD COLUMN "authSettings" TEXT;
