import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers";
import { z } from "zod";
import { env, oidcConfigured } from "../env";
import { authenticateUser } from "../users/authenticate-user";
import { parseRoleMap, rolesFromGroups, syncSsoUser } from "../users/sso";
import { isAppError } from "../errors";
import { authConfig } from "./auth.config";

class WrongCredentials extends CredentialsSignin {
  code = "wrong_credentials";
}

const credentialsInput = z.object({ email: z.string().email().max(320), password: z.string().min(1).max(200) });

function providers(): Provider[] {
  const list: Provider[] = [];
  if (oidcConfigured()) {
    list.push({
      id: "oidc",
      name: env.AUTH_OIDC_NAME,
      type: "oidc",
      issuer: env.AUTH_OIDC_ISSUER,
      clientId: env.AUTH_OIDC_CLIENT_ID,
      clientSecret: env.AUTH_OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile groups" } },
      checks: ["pkce", "state", "nonce"],
      async profile(profile) {
        const email = String(profile.email ?? "");
        const actor = await syncSsoUser({
          subject: String(profile.sub),
          email,
          name: String(profile.name ?? profile.preferred_username ?? email),
          roles: rolesFromGroups(profile[env.AUTH_OIDC_GROUPS_CLAIM], parseRoleMap(env.AUTH_OIDC_ROLE_MAP)),
        });
        return { id: actor.id, email: actor.email, name: actor.name };
      },
    });
  }
  // Local email + password sign-in exists only when HOURGLASS_LOCAL_SIGNIN is on.
  if (env.HOURGLASS_LOCAL_SIGNIN) {
    list.push(
      Credentials({
        id: "credentials",
        name: "Email and password",
        credentials: { email: {}, password: {} },
        async authorize(raw) {
          const parsed = credentialsInput.safeParse(raw);
          if (!parsed.success) throw new WrongCredentials();
          const actor = await authenticateUser(parsed.data);
          if (!actor) throw new WrongCredentials();
          return { id: actor.id, email: actor.email, name: actor.name };
        },
      }),
    );
  }
  return list;
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  secret: env.AUTH_SECRET,
  providers: providers(),
  callbacks: {
    ...authConfig.callbacks,
    async signIn() {
      return true;
    },
  },
  logger: {
    error(error) {
      // A wrong password, or an SSO account without a mapped role, is a refusal, not a fault.
      if ((error as { type?: string }).type === "CredentialsSignin") return;
      if (isAppError((error as { cause?: { err?: unknown } }).cause?.err)) return;
      console.error("[auth]", error);
    },
  },
});

export const signInMethods = () => ({ local: env.HOURGLASS_LOCAL_SIGNIN, sso: oidcConfigured() ? env.AUTH_OIDC_NAME : null });
