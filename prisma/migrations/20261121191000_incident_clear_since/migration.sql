-- AlterTable: a firing incident resolves only after its value has stayed clear for the clear-duration.
ALTER TABLE "Incident" ADD COLUMN "clearSince" TIMESTAMP(3);
