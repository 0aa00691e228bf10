-- AlterTable
ALTER TABLE "Exception" ADD COLUMN     "reminded1dAt" TIMESTAMP(3),
ADD COLUMN     "reminded7dAt" TIMESTAMP(3),
ADD COLUMN     "reviewedAt" TIMESTAMP(3),
ADD COLUMN     "reviewedById" UUID,
ADD COLUMN     "revokeComment" TEXT,
ADD COLUMN     "revokeRequestedAt" TIMESTAMP(3),
ADD COLUMN     "revokedById" UUID;

-- CreateIndex
CREATE INDEX "Exception_status_createdAt_idx" ON "Exception"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Exception_proposedById_createdAt_idx" ON "Exception"("proposedById", "createdAt");

-- CreateIndex
CREATE INDEX "Exception_renewalOfId_idx" ON "Exception"("renewalOfId");

-- AddForeignKey
ALTER TABLE "Exception" ADD CONSTRAINT "Exception_reviewedById_fkey" FOREIGN KEY ("reviewedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Exception" ADD CONSTRAINT "Exception_revokedById_fkey" FOREIGN KEY ("revokedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
