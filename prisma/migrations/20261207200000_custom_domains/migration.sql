-- CreateTable
CREATE TABLE "CustomDomain" (
    "ref" TEXT NOT NULL PRIMARY KEY,
    "hostname" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "txtToken" TEXT NOT NULL,
    "verifiedAt" DATETIME,
    "activatedAt" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CustomDomain_ref_fkey" FOREIGN KEY ("ref") REFERENCES "Project" ("ref") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "CustomDomain_hostname_key" ON "CustomDomain"("hostname");
