-- AlterTable
ALTER TABLE "Project" ADD COLUMN "functionSecrets" TEXT;

-- CreateTable
CREATE TABLE "EdgeFunction" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "verifyJwt" BOOLEAN NOT NULL DEFAULT true,
    "entrypointPath" TEXT NOT NULL,
    "importMapPath" TEXT,
    "sha256" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EdgeFunction_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "EdgeFunction_projectId_slug_key" ON "EdgeFunction"("projectId", "slug");
