-- AlterTable
ALTER TABLE "Project" ADD COLUMN "functionSecrets" TEXT;

-- CreateTable
CREATE TABLE "EdgeFunction" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "verifyJwt" BOOLEAN NOT NULL DEFAULT true,
    "entrypointPath" TEXT NOT NULL,
    "importMapPath" TEXT,
    "sha256" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EdgeFunction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "EdgeFunction_projectId_slug_key" ON "EdgeFunction"("projectId", "slug");

-- AddForeignKey
ALTER TABLE "EdgeFunction" ADD CONSTRAINT "EdgeFunction_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
