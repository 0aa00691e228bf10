-- Audit checkpoints are also sent to HOURGLASS_AUDIT_CHECKPOINT_URL, after commit, retried until accepted.
ALTER TABLE "AuditCheckpoint" ADD COLUMN "urlExportDueAt" TIMESTAMP(3),
ADD COLUMN "urlExportedAt" TIMESTAMP(3),
ADD COLUMN "urlExportAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "urlExportError" TEXT;

CREATE INDEX "AuditCheckpoint_urlExportDueAt_idx" ON "AuditCheckpoint"("urlExportDueAt") WHERE "urlExportedAt" IS NULL;
