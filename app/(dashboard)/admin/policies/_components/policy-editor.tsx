"use client";

import { useMemo, useRef, useState, useTransition } from "react";
import type { PolicyProblem } from "@/lib/policy/engine";
import type { Simulation } from "@/lib/policy/simulate";
import { savePoliciesAction, simulatePoliciesAction } from "../actions";

type Option = { id: string; label: string };
const input = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm";

function Outcome({ d }: { d: Simulation["single"] extends infer S ? (S extends { current: infer C } ? C : never) : never }) {
  const tone = d.outcome === "deny" ? "text-red-700" : d.outcome === "auto_approve" ? "text-emerald-700" : "text-amber-700";
  return (
    <div className="text-sm">
      <div className={`font-medium ${tone}`}>{d.outcome.replaceAll("_", " ")}</div>
      <ul className="list-disc pl-5 text-zinc-700">
        {d.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <div className="text-xs text-zinc-500">decided by: {d.policyIds.join(", ") || "—"}</div>
      {d.outcome !== "deny" ? <div className="text-xs text-zinc-500">at most {Math.round(d.maxDurationSec / 60)} min</div> : null}
    </div>
  );
}

export function PolicyEditor({ text: initial, version, identities, entitlements }: { text: string; version: number; identities: Option[]; entitlements: Option[] }) {
  const [text, setText] = useState(initial);
  // A new version came into force (a roll back, another admin's save): an unedited editor shows it.
  const [base, setBase] = useState(initial);
  if (base !== initial) {
    setBase(initial);
    if (text === base) setText(initial);
  }
  const [comment, setComment] = useState("");
  const [problems, setProblems] = useState<PolicyProblem[]>([]);
  const [sim, setSim] = useState<Simulation | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const area = useRef<HTMLTextAreaElement>(null);
  const [req, setReq] = useState({ identityId: identities[0]?.id ?? "", entitlementId: entitlements[0]?.id ?? "", minutes: 30, ticketRef: "", breakGlass: false, attestation: "none" as "none" | "api_token" | "oidc", requesterOnCall: false });
  const lines = useMemo(() => text.split("\n").length, [text]);
  const changed = text !== initial;

  const simulate = () =>
    start(async () => {
      setMessage(null);
      const r = await simulatePoliciesAction({
        text: changed ? text : undefined,
        request: req.identityId && req.entitlementId ? { identityId: req.identityId, entitlementId: req.entitlementId, durationSec: req.minutes * 60, ticketRef: req.ticketRef || undefined, breakGlass: req.breakGlass, attestation: req.attestation, requesterOnCall: req.requesterOnCall } : undefined,
      });
      if (!r.ok) return setMessage({ ok: false, text: r.error.message });
      setProblems(r.data.problems);
      setSim(r.data);
    });

  const save = () =>
    start(async () => {
      const r = await savePoliciesAction({ text, comment });
      if (!r.ok) {
        setMessage({ ok: false, text: r.error.message });
        const details = (r.error as { fields?: unknown }).fields;
        void details;
        return;
      }
      setMessage({ ok: true, text: `Saved as version ${r.data.version}.` });
      setComment("");
      setProblems([]);
    });

  const goTo = (line: number | null) => {
    if (!line || !area.current) return;
    const offset = text.split("\n").slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    area.current.focus();
    area.current.setSelectionRange(offset, offset);
  };

  return (
    <div className="grid gap-6 xl:grid-cols-[1fr_26rem]">
      <div>
        <div className="flex overflow-hidden rounded-lg border border-zinc-300 bg-white font-mono text-xs leading-5">
          <div aria-hidden className="select-none bg-zinc-50 px-2 py-2 text-right text-zinc-400">
            {Array.from({ length: lines }, (_, i) => (
              <div key={i} className={problems.some((p) => p.line === i + 1) ? "text-red-600" : ""}>
                {i + 1}
              </div>
            ))}
          </div>
          <textarea
            ref={area}
            aria-label="Cedar policies"
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            rows={Math.max(20, lines + 2)}
            className="w-full resize-y whitespace-pre px-3 py-2 leading-5 focus:outline-none"
          />
        </div>
        {problems.length ? (
          <ul className="mt-2 space-y-1 rounded-md bg-red-50 p-3 text-sm text-red-800" data-testid="policy-problems">
            {problems.map((p, i) => (
              <li key={i}>
                <button className="underline" onClick={() => goTo(p.line)}>
                  {p.line ? `line ${p.line}` : "policy set"}
                </button>
                {p.policyId ? ` (${p.policyId})` : ""}: {p.message}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="What changed and why" aria-label="Change comment" className={`${input} min-w-72 flex-1`} />
          <button disabled={pending} onClick={simulate} className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-50 disabled:opacity-50">
            Validate and simulate
          </button>
          <button disabled={pending || !changed} onClick={save} className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50">
            Save as version {version + 1}
          </button>
        </div>
        {message ? (
          <p role="status" data-testid="policy-message" className={`mt-2 text-sm ${message.ok ? "text-emerald-700" : "text-red-700"}`}>
            {message.text}
          </p>
        ) : null}
      </div>
      <aside className="space-y-4">
        <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm">
          <h2 className="mb-2 font-semibold">Simulate a request</h2>
          <div className="space-y-2">
            <select aria-label="Identity" value={req.identityId} onChange={(e) => setReq({ ...req, identityId: e.target.value })} className={`${input} w-full`}>
              {identities.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </select>
            <select aria-label="Entitlement" value={req.entitlementId} onChange={(e) => setReq({ ...req, entitlementId: e.target.value })} className={`${input} w-full`}>
              {entitlements.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </select>
            <div className="flex gap-2">
              <input type="number" min={1} aria-label="Minutes" value={req.minutes} onChange={(e) => setReq({ ...req, minutes: Number(e.target.value) || 1 })} className={`${input} w-20`} />
              <input placeholder="ticket" aria-label="Ticket" value={req.ticketRef} onChange={(e) => setReq({ ...req, ticketRef: e.target.value })} className={`${input} flex-1`} />
            </div>
            <select aria-label="Workload attestation" value={req.attestation} onChange={(e) => setReq({ ...req, attestation: e.target.value as typeof req.attestation })} className={`${input} w-full`}>
              <option value="none">a person asks</option>
              <option value="api_token">a workload with an API token</option>
              <option value="oidc">an attested workload (OIDC token)</option>
            </select>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={req.breakGlass} onChange={(e) => setReq({ ...req, breakGlass: e.target.checked })} /> break-glass
            </label>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={req.requesterOnCall} onChange={(e) => setReq({ ...req, requesterOnCall: e.target.checked })} /> requester is on call
            </label>
          </div>
          {sim?.single ? (
            <div className="mt-3 grid gap-3" data-testid="simulation">
              <div>
                <div className="text-xs uppercase text-zinc-500">in force (v{version})</div>
                <Outcome d={sim.single.current} />
              </div>
              {sim.single.candidate ? (
                <div>
                  <div className="text-xs uppercase text-zinc-500">with your edit</div>
                  <Outcome d={sim.single.candidate} />
                </div>
              ) : null}
            </div>
          ) : null}
        </section>
        {sim?.impact ? (
          <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm" data-testid="impact">
            <h2 className="mb-2 font-semibold">Impact on the last 30 days</h2>
            <p>
              {sim.impact.changed === 0
                ? `No decision would change across ${sim.impact.requests.toLocaleString("en")} requests.`
                : `${sim.impact.changed.toLocaleString("en")} of ${sim.impact.requests.toLocaleString("en")} requests would be decided differently:`}
            </p>
            <ul className="mt-1 list-disc pl-5">
              {Object.entries(sim.impact.transitions).map(([k, n]) => (
                <li key={k}>
                  {n} × {k}
                </li>
              ))}
            </ul>
            {sim.impact.examples.length > 0 ? (
              <>
                <h3 className="mt-3 text-xs uppercase text-zinc-500">For example</h3>
                <ul className="mt-1 space-y-1" data-testid="impact-examples">
                  {sim.impact.examples.slice(0, 5).map((e) => (
                    <li key={e.requestId}>
                      <a href={`/requests/${e.requestId}`} className="text-sky-700 hover:underline">
                        {e.identity} · {e.entitlement}
                      </a>
                      <span className="text-zinc-600">: {e.differences.join("; ")}</span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>
        ) : null}
      </aside>
    </div>
  );
}
