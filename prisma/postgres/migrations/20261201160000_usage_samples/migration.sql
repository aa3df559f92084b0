-- CreateTable
CREATE TABLE "UsageSample" (
    "id" SERIAL NOT NULL,
    "projectId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cpuCentiPct" INTEGER NOT NULL,
    "memoryMb" INTEGER NOT NULL,
    "netRxKb" INTEGER NOT NULL,
    "netTxKb" INTEGER NOT NULL,
    "diskMb" INTEGER,

    CONSTRAINT "UsageSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageSample_projectId_at_idx" ON "UsageSample"("projectId", "at");

-- CreateIndex
CREATE INDEX "UsageSample_at_idx" ON "UsageSample"("at");

-- AddForeignKey
ALTER TABLE "UsageSample" ADD CONSTRAINT "UsageSample_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
