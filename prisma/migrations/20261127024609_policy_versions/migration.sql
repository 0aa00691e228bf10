-- CreateTable
CREATE TABLE "PolicyVersion" (
    "version" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("version")
);
