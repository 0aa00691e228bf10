-- Signed checkpoints of the audit chain's head (see the AuditCheckpoint model).
CREATE TABLE "AuditCheckpoint" (
    "id" UUID NOT NULL,
    "headSeq" BIGINT NOT NULL,
    "headHash" TEXT NOT NULL,
    "eventCount" BIGINT NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "verifiedAt" TIMESTAMP(3),
    "verifiedSignature" TEXT,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "AuditCheckpoint_headSeq_idx" ON "AuditCheckpoint"("headSeq");
