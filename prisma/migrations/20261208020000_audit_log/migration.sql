-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "organizationId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "via" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "data" TEXT,
    "prevHash" TEXT,
    "hash" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_organizationId_seq_key" ON "AuditEntry"("organizationId", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_organizationId_at_idx" ON "AuditEntry"("organizationId", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");
