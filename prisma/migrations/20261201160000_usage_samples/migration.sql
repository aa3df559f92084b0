-- CreateTable
CREATE TABLE "UsageSample" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cpuCentiPct" INTEGER NOT NULL,
    "memoryMb" INTEGER NOT NULL,
    "netRxKb" INTEGER NOT NULL,
    "netTxKb" INTEGER NOT NULL,
    "diskMb" INTEGER,
    CONSTRAINT "UsageSample_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "UsageSample_projectId_at_idx" ON "UsageSample"("projectId", "at");

-- CreateIndex
CREATE INDEX "UsageSample_at_idx" ON "UsageSample"("at");
