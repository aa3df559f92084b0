-- AlterTable
ALTER TABLE "Project" ADD COLUMN "activatedAt" DATETIME;

-- Projects that were ever healthy before this column existed: their create
-- succeeded (the event log says when), or they are in a state only a healthy
-- project reaches.
UPDATE "Project" SET "activatedAt" = (
    SELECT MIN("at") FROM "ProjectEvent" e WHERE e."projectId" = "Project"."id" AND e."kind" = 'create.succeeded'
);
UPDATE "Project" SET "activatedAt" = "updatedAt"
    WHERE "activatedAt" IS NULL AND "status" IN ('ACTIVE_HEALTHY', 'ACTIVE_UNHEALTHY', 'PAUSING', 'INACTIVE', 'RESTORING', 'UNKNOWN');

-- CreateTable
CREATE TABLE "Installation" (
    "slot" INTEGER NOT NULL PRIMARY KEY DEFAULT 1,
    "installationId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "QuarantinedStack" (
    "ref" TEXT NOT NULL PRIMARY KEY,
    "reason" TEXT NOT NULL,
    "detectedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "name" TEXT,
    "ownerEmail" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "Installation_installationId_key" ON "Installation"("installationId");
