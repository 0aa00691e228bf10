-- Indexes for the privilege metrics' range queries and the audit page's filters.
-- CreateIndex
CREATE INDEX "Grant_issuedAt_idx" ON "Grant"("issuedAt");

-- CreateIndex
CREATE INDEX "Grant_revokedAt_issuedAt_idx" ON "Grant"("revokedAt", "issuedAt");

-- CreateIndex
CREATE INDEX "Grant_expiresAt_idx" ON "Grant"("expiresAt");

-- CreateIndex
CREATE INDEX "AccessRequest_decidedAt_idx" ON "AccessRequest"("decidedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_actorLabel_seq_idx" ON "AuditEvent"("actorLabel", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_seq_idx" ON "AuditEvent"("actorId", "seq");

-- The audit page's identity filter also matches events that record the identity in their data
-- (lib/audit-log/find-audit-events.ts queries this very expression). Prisma's schema cannot
-- state an expression index; it leaves this one alone.
CREATE INDEX "AuditEvent_data_identityId_seq_idx" ON "AuditEvent" (("data"->>'identityId'), "seq");
