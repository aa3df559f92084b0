-- AlterTable
ALTER TABLE "Restore" ADD COLUMN "targetTime" DATETIME;

-- CreateTable
CREATE TABLE "WalSegment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "gap" BOOLEAN NOT NULL DEFAULT false,
    "objectKey" TEXT,
    "sizeBytes" INTEGER,
    "checksum" TEXT,
    "closedAt" DATETIME NOT NULL,
    "shippedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WalSegment_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "WalSegment_projectId_closedAt_idx" ON "WalSegment"("projectId", "closedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WalSegment_projectId_name_key" ON "WalSegment"("projectId", "name");
