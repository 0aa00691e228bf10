-- The approval queue sorts by each of these columns, both ways, ties broken by id in the same
-- direction: an index per sort, ending in id, lets a page (however deep) be read in index order
-- instead of sorting every pending request. The two former indexes are prefixes of their successors.
-- DropIndex
DROP INDEX "AccessRequest_status_createdAt_idx";

-- DropIndex
DROP INDEX "AccessRequest_status_expiresAt_idx";

-- CreateIndex
CREATE INDEX "AccessRequest_status_id_idx" ON "AccessRequest"("status", "id");

-- CreateIndex
CREATE INDEX "AccessRequest_status_createdAt_id_idx" ON "AccessRequest"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AccessRequest_status_environment_id_idx" ON "AccessRequest"("status", "environment", "id");

-- CreateIndex
CREATE INDEX "AccessRequest_status_riskTier_id_idx" ON "AccessRequest"("status", "riskTier", "id");

-- CreateIndex
CREATE INDEX "AccessRequest_status_durationSec_id_idx" ON "AccessRequest"("status", "durationSec", "id");

-- CreateIndex
CREATE INDEX "AccessRequest_status_expiresAt_id_idx" ON "AccessRequest"("status", "expiresAt", "id");
