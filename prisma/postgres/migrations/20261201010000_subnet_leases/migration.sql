-- CreateTable
CREATE TABLE "SubnetLease" (
    "subnet" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SubnetLease_pkey" PRIMARY KEY ("subnet")
);

-- CreateIndex
CREATE UNIQUE INDEX "SubnetLease_projectId_key" ON "SubnetLease"("projectId");

-- AddForeignKey
ALTER TABLE "SubnetLease" ADD CONSTRAINT "SubnetLease_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
