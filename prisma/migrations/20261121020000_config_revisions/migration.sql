-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "configSource" TEXT,
ADD COLUMN     "lastHeartbeat" JSONB;

-- CreateTable
CREATE TABLE "ConfigRevision" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "config" JSONB NOT NULL,
    "message" TEXT NOT NULL,
    "authorUserId" TEXT,
    "authorLabel" TEXT NOT NULL,
    "parentNumber" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConfigRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConfigAck" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "revisionId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "errors" JSONB,
    "appliedAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "propagationMs" INTEGER NOT NULL,

    CONSTRAINT "ConfigAck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ConfigRevision_organizationId_idx" ON "ConfigRevision"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "ConfigRevision_groupId_number_key" ON "ConfigRevision"("groupId", "number");

-- CreateIndex
CREATE INDEX "ConfigAck_revisionId_idx" ON "ConfigAck"("revisionId");

-- CreateIndex
CREATE UNIQUE INDEX "ConfigAck_agentId_revisionId_key" ON "ConfigAck"("agentId", "revisionId");

-- AddForeignKey
ALTER TABLE "ConfigRevision" ADD CONSTRAINT "ConfigRevision_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConfigRevision" ADD CONSTRAINT "ConfigRevision_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "GatewayGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConfigAck" ADD CONSTRAINT "ConfigAck_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConfigAck" ADD CONSTRAINT "ConfigAck_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConfigAck" ADD CONSTRAINT "ConfigAck_revisionId_fkey" FOREIGN KEY ("revisionId") REFERENCES "ConfigRevision"("id") ON DELETE CASCADE ON UPDATE CASCADE;
