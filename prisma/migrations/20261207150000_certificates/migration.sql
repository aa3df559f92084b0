-- CreateTable
CREATE TABLE "Certificate" (
    "hostname" TEXT NOT NULL PRIMARY KEY,
    "notBefore" DATETIME,
    "notAfter" DATETIME,
    "issuedAt" DATETIME,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "lastErrorAt" DATETIME,
    "nextAttemptAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
