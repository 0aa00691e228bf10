"use client";

import { useActionState, useRef } from "react";
import { signInWithPasswordAction, type SignInState } from "../actions";
import type { DemoAccount } from "@/lib/users/find-demo-accounts";

export function PasswordForm({ next, demo }: { next: string; demo?: { accounts: DemoAccount[]; password: string } }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInWithPasswordAction, {});
  const email = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);
  return (
    <>
    <form action={action} className="space-y-4" noValidate={false}>
      <input type="hidden" name="next" value={next} />
      <label className="block">
        <span className="text-sm font-medium text-zinc-700">Email</span>
        <input
          name="email"
          type="email"
          required
          autoComplete="username"
          autoFocus
          ref={email}
          defaultValue={state.email}
          className="mt-1 block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm focus:border-zinc-900 focus:outline-none"
        />
      </label>
      <label className="block">
        <span className="text-sm font-medium text-zinc-700">Password</span>
        <input
          name="password"
          type="password"
          required
          autoComplete="current-password"
          ref={password}
          className="mt-1 block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm focus:border-zinc-900 focus:outline-none"
        />
      </label>
      {state.error ? (
        <p data-testid="sign-in-error" role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {state.error}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-60"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
    {demo && demo.accounts.length ? (
      <section aria-label="Demo accounts" className="border-t border-zinc-200 pt-4 text-sm">
        <h2 className="font-medium text-zinc-700">Demo accounts</h2>
        <p className="mt-1 text-xs text-zinc-500">
          Each has the password <code className="rounded bg-zinc-100 px-1">{demo.password}</code>. Pick one to fill the form.
        </p>
        <ul className="mt-2 grid gap-1">
          {demo.accounts.map((a) => (
            <li key={a.email}>
              <button
                type="button"
                onClick={() => {
                  if (email.current) email.current.value = a.email;
                  if (password.current) password.current.value = demo.password;
                  password.current?.focus();
                }}
                className="flex w-full flex-col rounded-md px-2 py-1 text-left hover:bg-zinc-100"
              >
                <span className="flex items-baseline justify-between gap-2">
                  <span className="font-medium">{a.name}</span>
                  <span className="text-xs text-zinc-500">{a.roles.join(", ")}</span>
                </span>
                <span className="truncate text-xs text-zinc-500">{a.email}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    ) : null}
    </>
  );
}
