-- Revocation drills: a canary grant per issuer, issued, proved, revoked and verified on a schedule or on demand.
-- AlterTable
ALTER TABLE "Grant" ADD COLUMN     "drill" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Issuer" ADD COLUMN     "drillIntervalSec" INTEGER NOT NULL DEFAULT 3600,
ADD COLUMN     "drillLeaseUntil" TIMESTAMP(3),
ADD COLUMN     "drillNextAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DrillRun" (
    "id" UUID NOT NULL,
    "issuerId" UUID NOT NULL,
    "grantId" UUID,
    "trigger" TEXT NOT NULL,
    "requestedById" UUID,
    "ok" BOOLEAN,
    "steps" JSONB NOT NULL DEFAULT '[]',
    "timeToRevokeMs" INTEGER,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "DrillRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DrillRun_issuerId_startedAt_idx" ON "DrillRun"("issuerId", "startedAt");

-- AddForeignKey
ALTER TABLE "DrillRun" ADD CONSTRAINT "DrillRun_issuerId_fkey" FOREIGN KEY ("issuerId") REFERENCES "Issuer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

