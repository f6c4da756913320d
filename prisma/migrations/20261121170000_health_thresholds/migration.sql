-- CreateTable
CREATE TABLE "HealthThresholds" (
    "organizationId" TEXT NOT NULL,
    "errorRateWarning" DOUBLE PRECISION NOT NULL,
    "errorRateCritical" DOUBLE PRECISION NOT NULL,
    "p99WarningMs" DOUBLE PRECISION NOT NULL,
    "p99CriticalMs" DOUBLE PRECISION NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HealthThresholds_pkey" PRIMARY KEY ("organizationId")
);

-- AddForeignKey
ALTER TABLE "HealthThresholds" ADD CONSTRAINT "HealthThresholds_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
