import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers";
import { z } from "zod";
import { applyAuthUrl, env, oidcConfigured } from "../env";
import { authenticateUser } from "../users/authenticate-user";
import { parseRoleMap, rolesFromGroups, syncSsoUser } from "../users/sso";
import { isAppError } from "../errors";
import { authConfig } from "./auth.config";

class WrongCredentials extends CredentialsSignin {
  code = "wrong_credentials";
}

class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}

/** The client's address as the nearest hop saw it: the last X-Forwarded-For entry, which a client cannot choose. */
function clientAddress(request: Request): string | null {
  const hops = (request.headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return hops.at(-1)?.slice(0, 64) ?? null;
}

const credentialsInput = z.object({ email: z.string().email().max(320), password: z.string().min(1).max(200) });

applyAuthUrl();

/** The sign-in page's message for an SSO account Hourglass refuses (see app/(auth)/sign-in/page.tsx). */
export const SSO_REFUSED_ERROR = "SsoRefused";

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
      // The profile only names the account; the user row is found or created in the signIn callback,
      // where a refusal can reach the sign-in page (an error thrown here becomes "Configuration").
      profile(profile) {
        return { id: String(profile.sub), email: String(profile.email ?? ""), name: String(profile.name ?? profile.preferred_username ?? profile.email ?? "") };
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
        async authorize(raw, request) {
          const parsed = credentialsInput.safeParse(raw);
          if (!parsed.success) throw new WrongCredentials();
          const actor = await authenticateUser({ ...parsed.data, address: clientAddress(request) }).catch((e: unknown) => {
            if (isAppError(e) && e.code === "rate_limited") throw new TooManyAttempts();
            throw e;
          });
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
    async signIn({ user, account, profile }) {
      if (account?.provider !== "oidc") return true;
      if (!profile || !env.AUTH_OIDC_ISSUER) return false;
      try {
        const actor = await syncSsoUser({
          issuer: String(profile.iss ?? env.AUTH_OIDC_ISSUER),
          subject: String(profile.sub),
          email: String(profile.email ?? ""),
          emailVerified: profile.email_verified === true,
          name: user.name ?? String(profile.email ?? ""),
          roles: rolesFromGroups(profile[env.AUTH_OIDC_GROUPS_CLAIM], parseRoleMap(env.AUTH_OIDC_ROLE_MAP)),
        });
        // Auth.js gives an OAuth user a random id; this same object becomes the jwt callback's `user`,
        // so the session names the Hourglass user row.
        user.id = actor.id;
        return true;
      } catch (e) {
        // A fixed reason code, never the message, so a crafted link cannot put words on the sign-in page.
        const reason = isAppError(e) && e.code === "forbidden" ? (e.details as { reason?: string } | undefined)?.reason : undefined;
        if (reason) return `/sign-in?error=${SSO_REFUSED_ERROR}&reason=${reason}`;
        throw e;
      }
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
