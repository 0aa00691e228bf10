"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/lib/web/auth";

export type SignInState = { error?: string; email?: string };

/** Keeps only a same-site path, so a crafted link cannot send a user elsewhere after sign-in. */
function safeNext(value: FormDataEntryValue | null): string {
  const v = typeof value === "string" ? value : "";
  return v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\") ? v : "/";
}

export async function signInWithPasswordAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "").slice(0, 320);
  try {
    await signIn("credentials", { email, password: String(form.get("password") ?? ""), redirectTo: safeNext(form.get("next")) });
    return {};
  } catch (e) {
    // signIn redirects by throwing; only Auth.js errors are ours to turn into a message.
    if (e instanceof AuthError) {
      if (e instanceof CredentialsSignin && e.code === "rate_limited") {
        return { email, error: "Too many failed sign-ins for this account or from this address. Try again in 15 minutes." };
      }
      return { email, error: e.type === "CredentialsSignin" ? "Wrong email or password." : "Sign-in failed. Try again." };
    }
    throw e;
  }
}

export async function signInWithSsoAction(form: FormData): Promise<void> {
  await signIn("oidc", { redirectTo: safeNext(form.get("next")) });
}
