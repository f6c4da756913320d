-- CreateEnum
CREATE TYPE "RolloutStatus" AS ENUM ('running', 'paused', 'completed', 'rolled_back', 'aborted');

-- CreateEnum
CREATE TYPE "RolloutEventKind" AS ENUM ('started', 'advanced', 'waiting', 'paused', 'resumed', 'promoted', 'rolled_back', 'aborted', 'completed');

-- CreateTable
CREATE TABLE "RolloutPlan" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "plan" JSONB NOT NULL,
    "updatedByLabel" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RolloutPlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RolloutRun" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "stableVersion" TEXT NOT NULL,
    "canaryVersion" TEXT NOT NULL,
    "plan" JSONB NOT NULL,
    "status" "RolloutStatus" NOT NULL DEFAULT 'running',
    "stepIndex" INTEGER NOT NULL DEFAULT 0,
    "stepStartedAt" TIMESTAMP(3) NOT NULL,
    "checkSeq" INTEGER NOT NULL DEFAULT 0,
    "nextCheckAt" TIMESTAMP(3),
    "baseline" JSONB NOT NULL,
    "lastCheck" JSONB,
    "activeKey" TEXT,
    "startedByLabel" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "RolloutRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RolloutEvent" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "kind" "RolloutEventKind" NOT NULL,
    "stepIndex" INTEGER NOT NULL,
    "percent" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "numbers" JSONB,
    "revisionNumber" INTEGER,
    "actorLabel" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RolloutEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RolloutPlan_organizationId_idx" ON "RolloutPlan"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "RolloutPlan_groupId_serviceId_key" ON "RolloutPlan"("groupId", "serviceId");

-- CreateIndex
CREATE UNIQUE INDEX "RolloutRun_activeKey_key" ON "RolloutRun"("activeKey");

-- CreateIndex
CREATE INDEX "RolloutRun_status_nextCheckAt_idx" ON "RolloutRun"("status", "nextCheckAt");

-- CreateIndex
CREATE INDEX "RolloutRun_organizationId_idx" ON "RolloutRun"("organizationId");

-- CreateIndex
CREATE INDEX "RolloutRun_groupId_serviceId_createdAt_idx" ON "RolloutRun"("groupId", "serviceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "RolloutEvent_runId_createdAt_idx" ON "RolloutEvent"("runId", "createdAt");

-- CreateIndex
CREATE INDEX "RolloutEvent_organizationId_kind_createdAt_idx" ON "RolloutEvent"("organizationId", "kind", "createdAt");

-- AddForeignKey
ALTER TABLE "RolloutPlan" ADD CONSTRAINT "RolloutPlan_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutPlan" ADD CONSTRAINT "RolloutPlan_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "GatewayGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutRun" ADD CONSTRAINT "RolloutRun_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutRun" ADD CONSTRAINT "RolloutRun_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "GatewayGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutEvent" ADD CONSTRAINT "RolloutEvent_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutEvent" ADD CONSTRAINT "RolloutEvent_runId_fkey" FOREIGN KEY ("runId") REFERENCES "RolloutRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
