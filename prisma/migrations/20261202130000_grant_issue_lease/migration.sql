-- AlterTable
ALTER TABLE "Grant" ADD COLUMN     "issueLeaseUntil" TIMESTAMP(3);
