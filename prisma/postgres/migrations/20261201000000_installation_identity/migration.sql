-- AlterTable
ALTER TABLE "Project" ADD COLUMN "activatedAt" TIMESTAMP(3);

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
    "slot" INTEGER NOT NULL DEFAULT 1,
    "installationId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Installation_pkey" PRIMARY KEY ("slot")
);

-- CreateTable
CREATE TABLE "QuarantinedStack" (
    "ref" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "name" TEXT,
    "ownerEmail" TEXT,

    CONSTRAINT "QuarantinedStack_pkey" PRIMARY KEY ("ref")
);

-- CreateIndex
CREATE UNIQUE INDEX "Installation_installationId_key" ON "Installation"("installationId");
