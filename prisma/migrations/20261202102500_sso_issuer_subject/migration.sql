-- An SSO account is named by its issuer and subject together; existing links keep their subject
-- and get the issuer at their next sign-in (see lib/users/sso.ts).
ALTER TABLE "User" ADD COLUMN "ssoIssuer" TEXT;
DROP INDEX IF EXISTS "User_ssoSubject_key";
CREATE UNIQUE INDEX "User_ssoIssuer_ssoSubject_key" ON "User"("ssoIssuer", "ssoSubject");
