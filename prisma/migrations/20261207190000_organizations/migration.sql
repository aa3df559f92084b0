-- Organizations and memberships (issue 31). Every existing user gets a
-- personal organization whose id and slug are the user's id (the slug the
-- Management API already gave them) with the user as its Owner, and each of
-- their projects moves into it. No project's ref, data or secrets change.

-- CreateTable
CREATE TABLE "Organization" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Membership" (
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("organizationId", "userId"),
    CONSTRAINT "Membership_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable: SQLite adds a nullable column with its foreign key in place.
ALTER TABLE "Project" ADD COLUMN "organizationId" TEXT REFERENCES "Organization" ("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateIndex
CREATE UNIQUE INDEX "Organization_slug_key" ON "Organization"("slug");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE INDEX "Project_organizationId_status_idx" ON "Project"("organizationId", "status");

-- Personal organizations of the existing users, and their projects in them.
INSERT INTO "Organization" ("id", "slug", "name", "createdAt")
SELECT "id", "id", COALESCE(NULLIF(TRIM("name"), ''), "email"), "createdAt" FROM "User";

INSERT INTO "Membership" ("organizationId", "userId", "role", "createdAt")
SELECT "id", "id", 'OWNER', "createdAt" FROM "User";

UPDATE "Project" SET "organizationId" = "ownerId" WHERE "organizationId" IS NULL;
