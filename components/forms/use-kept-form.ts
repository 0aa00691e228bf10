"use client";

import { startTransition, useActionState, useEffect, useRef, type FormEvent } from "react";

/**
 * useActionState for a <form> that keeps what the user typed when the server refuses it.
 *
 * A form submitted through `<form action={…}>` is reset by React once the action settles, error or
 * not: every field jumps back to its default and the user retypes everything. Here the form is
 * submitted from its onSubmit handler instead, so nothing is reset by React; the fields are
 * cleared only after a success (`{ ok: true }`), as a finished form should be.
 * Use: `const [state, submit, pending] = useKeptForm(action, null); <form onSubmit={submit}>`.
 */
export function useKeptForm<S>(action: (prev: S, form: FormData) => Promise<S>, initial: S) {
  const [state, dispatch, pending] = useActionState<S, FormData>(action as (prev: Awaited<S>, form: FormData) => Promise<S>, initial as Awaited<S>);
  const submitted = useRef<HTMLFormElement | null>(null);

  useEffect(() => {
    const form = submitted.current;
    if (form && state && typeof state === "object" && (state as { ok?: unknown }).ok === true) form.reset();
    submitted.current = null;
  }, [state]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(form, submitter instanceof HTMLElement ? submitter : null);
    submitted.current = form;
    startTransition(() => dispatch(data));
  };

  return [state, submit, pending] as const;
}
