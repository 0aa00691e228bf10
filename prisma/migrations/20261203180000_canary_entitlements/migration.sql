-- AlterTable
ALTER TABLE "Entitlement" ADD COLUMN     "canary" BOOLEAN NOT NULL DEFAULT false;

-- The drills' canary entitlements made before the column existed.
UPDATE "Entitlement" SET "canary" = true WHERE name LIKE 'drill-canary-%';
