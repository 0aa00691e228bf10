-- Entitlements can be disabled: nothing new is requested or granted through them.
-- AlterTable
ALTER TABLE "Entitlement" ADD COLUMN     "enabled" BOOLEAN NOT NULL DEFAULT true;
