"use client";

import { useEffect, useId, useState } from "react";
import { exceptionRiskRatings, maxExceptionDays, maxExceptionEnd, ratingAtLeast, type ExceptionRiskRating } from "@/lib/exceptions/limits";

export const inputClass = "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm focus:border-zinc-900 focus:outline-none";

export type ProposalDefaults = {
  riskRating?: ExceptionRiskRating;
  justification?: string;
  compensatingControls?: string;
  reviewCadenceDays?: number;
  /** ISO instant. */
  requestedEndAt?: string;
};

const pad = (n: number) => String(n).padStart(2, "0");
/** The browser's local time in the shape a datetime-local input takes, to the minute. */
const toLocalInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
const toIso = (local: string) => {
  const d = new Date(local);
  return local && !Number.isNaN(d.getTime()) ? d.toISOString() : "";
};

function FieldError({ message }: { message?: string }) {
  return message ? <span className="mt-1 block text-xs text-red-700">{message}</span> : null;
}

/**
 * The fields every proposal has (new, resubmitted, renewal). The end is picked in the browser's
 * local time and sent as an ISO instant; its bounds follow the risk rating.
 */
export function ProposalFields({ defaults = {}, floor = "low", errors = {} }: { defaults?: ProposalDefaults; floor?: ExceptionRiskRating; errors?: Record<string, string> }) {
  const [chosen, setChosen] = useState<ExceptionRiskRating>(defaults.riskRating ?? floor);
  const rating = ratingAtLeast(chosen, floor) ? chosen : floor;
  const [end, setEnd] = useState("");
  // Local times differ between the server and the browser: compute them once mounted.
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    setNow(new Date());
    if (defaults.requestedEndAt) setEnd(toLocalInput(new Date(defaults.requestedEndAt)));
  }, [defaults.requestedEndAt]);
  const max = now ? maxExceptionEnd(rating, now) : null;
  const hintId = useId();

  return (
    <>
      <div>
        <label className="block">
          <span className="text-sm font-medium">Risk rating</span>
          <select name="riskRating" value={rating} onChange={(e) => setChosen(e.target.value as ExceptionRiskRating)} className={inputClass}>
            {exceptionRiskRatings.map((r) => (
              <option key={r} value={r} disabled={!ratingAtLeast(r, floor)}>
                {r} · at most {maxExceptionDays[r]} days
              </option>
            ))}
          </select>
        </label>
        {floor !== "low" ? <span className="mt-1 block text-xs text-zinc-500">The entitlement is {floor} risk: the exception cannot be rated lower.</span> : null}
        <FieldError message={errors.riskRating} />
      </div>
      <div>
        <label className="block">
          <span className="text-sm font-medium">End</span>
          <input
            type="datetime-local"
            required
            value={end}
            onChange={(e) => setEnd(e.target.value)}
            min={now ? toLocalInput(now) : undefined}
            max={max ? toLocalInput(max) : undefined}
            aria-describedby={hintId}
            className={inputClass}
          />
        </label>
        <input type="hidden" name="requestedEndAt" value={toIso(end)} />
        <span id={hintId} className="mt-1 block text-xs text-zinc-500" data-testid="end-hint">
          A {rating}-risk exception may last at most {maxExceptionDays[rating]} days{max ? ` (until ${toLocalInput(max).replace("T", " ")}, your local time)` : ""}. The
          standing access is revoked at this instant; renewing it is a new review.
        </span>
        <FieldError message={errors.requestedEndAt} />
      </div>
      <label className="block">
        <span className="text-sm font-medium">Justification</span>
        <textarea
          name="justification"
          required
          minLength={20}
          rows={3}
          defaultValue={defaults.justification}
          className={inputClass}
          placeholder="Why just-in-time requests do not work here, and until when"
        />
        <FieldError message={errors.justification} />
      </label>
      <label className="block">
        <span className="text-sm font-medium">Compensating controls</span>
        <textarea
          name="compensatingControls"
          required
          minLength={10}
          rows={2}
          defaultValue={defaults.compensatingControls}
          className={inputClass}
          placeholder="What limits the risk meanwhile: read-only role, network pinning, logging to the SIEM, alerts"
        />
        <FieldError message={errors.compensatingControls} />
      </label>
      <label className="block">
        <span className="text-sm font-medium">Review every (days)</span>
        <input name="reviewCadenceDays" type="number" min={1} max={90} defaultValue={defaults.reviewCadenceDays ?? 30} required className={`${inputClass} w-32`} />
        <FieldError message={errors.reviewCadenceDays} />
      </label>
    </>
  );
}
