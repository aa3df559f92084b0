-- AlterTable
ALTER TABLE "Restore" ADD COLUMN "targetTime" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "WalSegment" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "gap" BOOLEAN NOT NULL DEFAULT false,
    "objectKey" TEXT,
    "sizeBytes" INTEGER,
    "checksum" TEXT,
    "closedAt" TIMESTAMP(3) NOT NULL,
    "shippedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WalSegment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WalSegment_projectId_closedAt_idx" ON "WalSegment"("projectId", "closedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WalSegment_projectId_name_key" ON "WalSegment"("projectId", "name");

-- AddForeignKey
ALTER TABLE "WalSegment" ADD CONSTRAINT "WalSegment_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
