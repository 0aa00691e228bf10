-- Cluster leadership: the worker holding the leadership lock says so in its heartbeat.
-- AlterTable
ALTER TABLE "WorkerHeartbeat" ADD COLUMN     "leaderSince" TIMESTAMP(3);
