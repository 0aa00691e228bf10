-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'security', 'approver', 'owner', 'auditor', 'requester');

-- CreateEnum
CREATE TYPE "IdentityKind" AS ENUM ('service_account', 'api_key', 'workload', 'ci_job', 'ai_agent', 'bot');

-- CreateEnum
CREATE TYPE "Environment" AS ENUM ('dev', 'staging', 'prod');

-- CreateEnum
CREATE TYPE "Criticality" AS ENUM ('low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "IdentityStatus" AS ENUM ('active', 'quarantined', 'decommissioned');

-- CreateEnum
CREATE TYPE "IssuerType" AS ENUM ('postgres', 'token', 'webhook', 'ssh', 'ldap', 'redis');

-- CreateEnum
CREATE TYPE "RiskTier" AS ENUM ('low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('pending', 'approved', 'denied', 'cancelled', 'expired');

-- CreateEnum
CREATE TYPE "ApprovalDecision" AS ENUM ('approve', 'deny');

-- CreateEnum
CREATE TYPE "GrantStatus" AS ENUM ('issuing', 'active', 'revoking', 'revoked', 'revoke_failed', 'irrevocable', 'issue_failed');

-- CreateEnum
CREATE TYPE "RevokeReason" AS ENUM ('expired', 'early', 'emergency', 'exception_ended', 'policy_drift', 'identity_quarantined', 'issue_failed');

-- CreateEnum
CREATE TYPE "ExceptionStatus" AS ENUM ('proposed', 'changes_requested', 'rejected', 'accepted', 'expired', 'revoked');

-- CreateEnum
CREATE TYPE "CampaignStatus" AS ENUM ('open', 'closed');

-- CreateEnum
CREATE TYPE "AttestationDecision" AS ENUM ('keep', 'reduce', 'decommission', 'reassign');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "ssoSubject" TEXT,
    "roles" "Role"[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "onCall" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastSignInAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Team" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamMember" (
    "teamId" UUID NOT NULL,
    "userId" UUID NOT NULL,

    CONSTRAINT "TeamMember_pkey" PRIMARY KEY ("teamId","userId")
);

-- CreateTable
CREATE TABLE "Identity" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "IdentityKind" NOT NULL,
    "environment" "Environment" NOT NULL,
    "system" TEXT NOT NULL,
    "criticality" "Criticality" NOT NULL DEFAULT 'medium',
    "description" TEXT NOT NULL DEFAULT '',
    "status" "IdentityStatus" NOT NULL DEFAULT 'active',
    "ownerUserId" UUID,
    "ownerTeamId" UUID,
    "workloadIssuer" TEXT,
    "workloadSubject" TEXT,
    "spiffeId" TEXT,
    "lastAttestedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Identity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdentityOwnerChange" (
    "id" UUID NOT NULL,
    "identityId" UUID NOT NULL,
    "fromUserId" UUID,
    "fromTeamId" UUID,
    "toUserId" UUID,
    "toTeamId" UUID,
    "changedById" UUID,
    "reason" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdentityOwnerChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delegation" (
    "agentId" UUID NOT NULL,
    "principalId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Delegation_pkey" PRIMARY KEY ("agentId","principalId")
);

-- CreateTable
CREATE TABLE "Issuer" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" "IssuerType" NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secretSealed" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastHealthAt" TIMESTAMP(3),
    "lastHealthOk" BOOLEAN,
    "lastHealthError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Issuer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Entitlement" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "issuerId" UUID NOT NULL,
    "target" JSONB NOT NULL,
    "environment" "Environment" NOT NULL,
    "riskTier" "RiskTier" NOT NULL,
    "maxDurationSec" INTEGER NOT NULL,
    "defaultDurationSec" INTEGER NOT NULL,
    "approvalsRequired" INTEGER NOT NULL DEFAULT 1,
    "securityApprovalRequired" BOOLEAN NOT NULL DEFAULT false,
    "responseTargetSec" INTEGER NOT NULL DEFAULT 3600,
    "requestTtlSec" INTEGER NOT NULL DEFAULT 86400,
    "breakGlassAllowed" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Entitlement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessRequest" (
    "id" UUID NOT NULL,
    "identityId" UUID NOT NULL,
    "entitlementId" UUID NOT NULL,
    "requesterUserId" UUID,
    "requesterIdentityId" UUID,
    "durationSec" INTEGER NOT NULL,
    "justification" TEXT NOT NULL,
    "ticketRef" TEXT,
    "incidentRef" TEXT,
    "changeRef" TEXT,
    "jobRef" TEXT,
    "onBehalfOf" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "breakGlass" BOOLEAN NOT NULL DEFAULT false,
    "status" "RequestStatus" NOT NULL DEFAULT 'pending',
    "decision" JSONB,
    "approvalsRequired" INTEGER NOT NULL DEFAULT 1,
    "securityApprovalRequired" BOOLEAN NOT NULL DEFAULT false,
    "environment" "Environment" NOT NULL,
    "riskTier" "RiskTier" NOT NULL,
    "identityKind" "IdentityKind" NOT NULL,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "remindedAt" TIMESTAMP(3),
    "escalatedAt" TIMESTAMP(3),

    CONSTRAINT "AccessRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Approval" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "approverId" UUID NOT NULL,
    "decision" "ApprovalDecision" NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "asSecurity" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Approval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Grant" (
    "id" UUID NOT NULL,
    "requestId" UUID,
    "exceptionId" UUID,
    "identityId" UUID NOT NULL,
    "entitlementId" UUID NOT NULL,
    "issuerId" UUID NOT NULL,
    "status" "GrantStatus" NOT NULL DEFAULT 'issuing',
    "breakGlass" BOOLEAN NOT NULL DEFAULT false,
    "issuerRef" TEXT,
    "issuerMeta" JSONB NOT NULL DEFAULT '{}',
    "credentialSealed" TEXT,
    "credentialDeliveredAt" TIMESTAMP(3),
    "issuedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokeRequestedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "revokeReason" "RevokeReason",
    "revokeComment" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,
    "extensions" INTEGER NOT NULL DEFAULT 0,
    "firstUsedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "useCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Grant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Exception" (
    "id" UUID NOT NULL,
    "identityId" UUID NOT NULL,
    "entitlementId" UUID NOT NULL,
    "justification" TEXT NOT NULL,
    "riskRating" "RiskTier" NOT NULL,
    "compensatingControls" TEXT NOT NULL DEFAULT '',
    "reviewCadenceDays" INTEGER NOT NULL DEFAULT 30,
    "status" "ExceptionStatus" NOT NULL DEFAULT 'proposed',
    "proposedById" UUID NOT NULL,
    "acceptedById" UUID,
    "reviewComment" TEXT,
    "requestedEndAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "renewalOfId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Exception_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttestationCampaign" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scope" JSONB NOT NULL DEFAULT '{}',
    "status" "CampaignStatus" NOT NULL DEFAULT 'open',
    "dueAt" TIMESTAMP(3) NOT NULL,
    "autoQuarantine" BOOLEAN NOT NULL DEFAULT false,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "remindedAt" TIMESTAMP(3),
    "escalatedAt" TIMESTAMP(3),

    CONSTRAINT "AttestationCampaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attestation" (
    "id" UUID NOT NULL,
    "campaignId" UUID NOT NULL,
    "identityId" UUID NOT NULL,
    "decision" "AttestationDecision",
    "comment" TEXT NOT NULL DEFAULT '',
    "attestedById" UUID,
    "attestedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attestation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "identityId" UUID,
    "userId" UUID,
    "scopes" TEXT[],
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "beatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "User_ssoSubject_key" ON "User"("ssoSubject");

-- CreateIndex
CREATE UNIQUE INDEX "Team_name_key" ON "Team"("name");

-- CreateIndex
CREATE INDEX "TeamMember_userId_idx" ON "TeamMember"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Identity_name_key" ON "Identity"("name");

-- CreateIndex
CREATE INDEX "Identity_environment_kind_status_idx" ON "Identity"("environment", "kind", "status");

-- CreateIndex
CREATE INDEX "Identity_ownerUserId_idx" ON "Identity"("ownerUserId");

-- CreateIndex
CREATE INDEX "Identity_ownerTeamId_idx" ON "Identity"("ownerTeamId");

-- CreateIndex
CREATE INDEX "Identity_status_lastAttestedAt_idx" ON "Identity"("status", "lastAttestedAt");

-- CreateIndex
CREATE INDEX "IdentityOwnerChange_identityId_createdAt_idx" ON "IdentityOwnerChange"("identityId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Issuer_name_key" ON "Issuer"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Entitlement_name_key" ON "Entitlement"("name");

-- CreateIndex
CREATE INDEX "Entitlement_issuerId_idx" ON "Entitlement"("issuerId");

-- CreateIndex
CREATE INDEX "AccessRequest_status_createdAt_idx" ON "AccessRequest"("status", "createdAt");

-- CreateIndex
CREATE INDEX "AccessRequest_status_environment_riskTier_createdAt_idx" ON "AccessRequest"("status", "environment", "riskTier", "createdAt");

-- CreateIndex
CREATE INDEX "AccessRequest_status_entitlementId_createdAt_idx" ON "AccessRequest"("status", "entitlementId", "createdAt");

-- CreateIndex
CREATE INDEX "AccessRequest_status_identityKind_createdAt_idx" ON "AccessRequest"("status", "identityKind", "createdAt");

-- CreateIndex
CREATE INDEX "AccessRequest_requesterUserId_createdAt_idx" ON "AccessRequest"("requesterUserId", "createdAt");

-- CreateIndex
CREATE INDEX "AccessRequest_identityId_createdAt_idx" ON "AccessRequest"("identityId", "createdAt");

-- CreateIndex
CREATE INDEX "AccessRequest_status_expiresAt_idx" ON "AccessRequest"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "AccessRequest_requesterIdentityId_idempotencyKey_key" ON "AccessRequest"("requesterIdentityId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Approval_approverId_createdAt_idx" ON "Approval"("approverId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Approval_requestId_approverId_key" ON "Approval"("requestId", "approverId");

-- CreateIndex
CREATE UNIQUE INDEX "Grant_requestId_key" ON "Grant"("requestId");

-- CreateIndex
CREATE UNIQUE INDEX "Grant_exceptionId_key" ON "Grant"("exceptionId");

-- CreateIndex
CREATE INDEX "Grant_status_expiresAt_idx" ON "Grant"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Grant_status_nextAttemptAt_idx" ON "Grant"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Grant_identityId_status_idx" ON "Grant"("identityId", "status");

-- CreateIndex
CREATE INDEX "Grant_entitlementId_status_idx" ON "Grant"("entitlementId", "status");

-- CreateIndex
CREATE INDEX "Grant_createdAt_idx" ON "Grant"("createdAt");

-- CreateIndex
CREATE INDEX "Exception_status_expiresAt_idx" ON "Exception"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Exception_identityId_idx" ON "Exception"("identityId");

-- CreateIndex
CREATE INDEX "AttestationCampaign_status_dueAt_idx" ON "AttestationCampaign"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Attestation_identityId_idx" ON "Attestation"("identityId");

-- CreateIndex
CREATE UNIQUE INDEX "Attestation_campaignId_identityId_key" ON "Attestation"("campaignId", "identityId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_identityId_idx" ON "ApiToken"("identityId");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_id_key" ON "AuditEvent"("id");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_hash_key" ON "AuditEvent"("hash");

-- CreateIndex
CREATE INDEX "AuditEvent_subjectType_subjectId_seq_idx" ON "AuditEvent"("subjectType", "subjectId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "WorkerHeartbeat_beatAt_idx" ON "WorkerHeartbeat"("beatAt");

-- AddForeignKey
ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Identity" ADD CONSTRAINT "Identity_ownerUserId_fkey" FOREIGN KEY ("ownerUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Identity" ADD CONSTRAINT "Identity_ownerTeamId_fkey" FOREIGN KEY ("ownerTeamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IdentityOwnerChange" ADD CONSTRAINT "IdentityOwnerChange_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "Identity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delegation" ADD CONSTRAINT "Delegation_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Identity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delegation" ADD CONSTRAINT "Delegation_principalId_fkey" FOREIGN KEY ("principalId") REFERENCES "Identity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Entitlement" ADD CONSTRAINT "Entitlement_issuerId_fkey" FOREIGN KEY ("issuerId") REFERENCES "Issuer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "Identity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_entitlementId_fkey" FOREIGN KEY ("entitlementId") REFERENCES "Entitlement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_requesterUserId_fkey" FOREIGN KEY ("requesterUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_approverId_fkey" FOREIGN KEY ("approverId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_exceptionId_fkey" FOREIGN KEY ("exceptionId") REFERENCES "Exception"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "Identity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_entitlementId_fkey" FOREIGN KEY ("entitlementId") REFERENCES "Entitlement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_issuerId_fkey" FOREIGN KEY ("issuerId") REFERENCES "Issuer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Exception" ADD CONSTRAINT "Exception_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "Identity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Exception" ADD CONSTRAINT "Exception_entitlementId_fkey" FOREIGN KEY ("entitlementId") REFERENCES "Entitlement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Exception" ADD CONSTRAINT "Exception_proposedById_fkey" FOREIGN KEY ("proposedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Exception" ADD CONSTRAINT "Exception_acceptedById_fkey" FOREIGN KEY ("acceptedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Exception" ADD CONSTRAINT "Exception_renewalOfId_fkey" FOREIGN KEY ("renewalOfId") REFERENCES "Exception"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttestationCampaign" ADD CONSTRAINT "AttestationCampaign_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attestation" ADD CONSTRAINT "Attestation_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "AttestationCampaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attestation" ADD CONSTRAINT "Attestation_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "Identity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attestation" ADD CONSTRAINT "Attestation_attestedById_fkey" FOREIGN KEY ("attestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "Identity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Audit events are append-only: refuse UPDATE, DELETE and TRUNCATE. Someone with the power to
-- bypass this (a superuser) still cannot hide an edit: the hash chain breaks at the changed row.
CREATE FUNCTION hourglass_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "AuditEvent_append_only_rows" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION hourglass_audit_append_only();
CREATE TRIGGER "AuditEvent_append_only_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION hourglass_audit_append_only();
