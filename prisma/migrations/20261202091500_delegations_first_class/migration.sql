-- Delegations get a scope (entitlements), an end and a withdrawal. Delegations made before had
-- none: they keep their rows but allow nothing until an admin or the principal's owner gives
-- them entitlements and an end date.
ALTER TYPE "RevokeReason" ADD VALUE 'delegation_withdrawn';

ALTER TABLE "Delegation" ADD COLUMN "entitlementIds" UUID[] DEFAULT ARRAY[]::UUID[],
ADD COLUMN "endsAt" TIMESTAMP(3),
ADD COLUMN "reason" TEXT NOT NULL DEFAULT '',
ADD COLUMN "createdById" UUID,
ADD COLUMN "withdrawnAt" TIMESTAMP(3),
ADD COLUMN "withdrawnById" UUID,
ADD COLUMN "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

UPDATE "Delegation" SET "endsAt" = "createdAt" WHERE "endsAt" IS NULL;
ALTER TABLE "Delegation" ALTER COLUMN "endsAt" SET NOT NULL;
