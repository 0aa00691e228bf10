-- The audit page's time-range filter reads newest first by (at, seq), walking this index from the
-- range's end; the former index on at alone is its prefix.
-- DropIndex
DROP INDEX "AuditEvent_at_idx";

-- CreateIndex
CREATE INDEX "AuditEvent_at_seq_idx" ON "AuditEvent"("at", "seq");
