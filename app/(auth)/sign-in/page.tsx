import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signInMethods } from "@/lib/web/auth";
import { currentActor } from "@/lib/web/session";
import { PasswordForm } from "./_components/password-form";
import { Logo } from "@/components/ui/logo";
import { signInWithSsoAction } from "./actions";
import { findDemoAccounts } from "@/lib/users/find-demo-accounts";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

const errors: Record<string, string> = {
  AccessDenied: "Your account may not sign in to Hourglass. Ask an administrator for a role.",
  Configuration: "Sign-in is misconfigured on the server. An administrator has to fix it.",
  Verification: "The sign-in link is no longer valid.",
};

// Why an SSO account was refused (lib/users/sso.ts), by the reason code the sign-in callback passes.
const ssoRefusals: Record<string, string> = {
  no_role: "Your SSO account is in no group that Hourglass maps to a role. Ask an administrator to add you to a mapped group.",
  disabled: "This account is disabled in Hourglass. Ask an administrator.",
  link_refused:
    "Your SSO account cannot be linked to the Hourglass user with this email: the email is not verified by your identity provider, or that user is bound to another SSO account. Ask an administrator.",
};

export default async function SignInPage({ searchParams }: PageProps<"/sign-in">) {
  const params = await searchParams;
  const next = typeof params.next === "string" ? params.next : "/";
  if (await currentActor()) redirect(next.startsWith("/") && !next.startsWith("//") ? next : "/");
  const methods = signInMethods();
  const demoAccounts = methods.local ? await findDemoAccounts() : [];
  const error =
    params.error === "SsoRefused"
      ? (ssoRefusals[typeof params.reason === "string" ? params.reason : ""] ?? "Your SSO account may not sign in to Hourglass.")
      : typeof params.error === "string"
        ? (errors[params.error] ?? "Sign-in failed. Try again.")
        : null;

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <Logo className="mx-auto h-9 w-9" />
          <h1 className="mt-2 text-xl font-semibold">Sign in to Hourglass</h1>
          <p className="mt-1 text-sm text-zinc-500">Just-in-time access for non-human identities</p>
        </div>
        <div className="space-y-6 rounded-xl border border-zinc-200 bg-white p-6 shadow-sm">
          {error ? <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error}</p> : null}
          {methods.sso ? (
            <form action={signInWithSsoAction}>
              <input type="hidden" name="next" value={next} />
              <button className="w-full rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium hover:bg-zinc-50">
                Continue with {methods.sso}
              </button>
            </form>
          ) : null}
          {methods.sso && methods.local ? <div className="text-center text-xs uppercase text-zinc-400">or</div> : null}
          {methods.local ? <PasswordForm next={next} demo={demoAccounts.length ? { accounts: demoAccounts, password: env.HOURGLASS_DEMO_PASSWORD } : undefined} /> : null}
          {!methods.sso && !methods.local ? (
            <p className="text-sm text-zinc-600">
              No sign-in method is configured. Set the <code>AUTH_OIDC_*</code> variables for single sign-on (see the
              README).
            </p>
          ) : null}
        </div>
      </div>
    </main>
  );
}
