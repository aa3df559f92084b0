-- CreateTable
CREATE TABLE "StudioSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "sessionVersion" INTEGER NOT NULL,
    "ref" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StudioSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StudioSession_tokenHash_key" ON "StudioSession"("tokenHash");

-- CreateIndex
CREATE INDEX "StudioSession_userId_createdAt_idx" ON "StudioSession"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "StudioSession_expiresAt_idx" ON "StudioSession"("expiresAt");
