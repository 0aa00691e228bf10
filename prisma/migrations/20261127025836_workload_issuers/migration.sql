-- CreateTable
CREATE TABLE "TrustedWorkloadIssuer" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "jwksUrl" TEXT,
    "jwksInline" JSONB,
    "audience" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TrustedWorkloadIssuer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TrustedWorkloadIssuer_name_key" ON "TrustedWorkloadIssuer"("name");

-- CreateIndex
CREATE UNIQUE INDEX "TrustedWorkloadIssuer_issuer_key" ON "TrustedWorkloadIssuer"("issuer");
