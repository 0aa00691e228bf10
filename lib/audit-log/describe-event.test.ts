import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { dataPairs, describeEvent, SENTENCES, sentenceText, subjectHref } from "./describe-event";

const LIB = join(__dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sources(p);
    return /\.ts$/.test(e.name) && !/\.test\.ts$|\.fixture\.ts$/.test(e.name) ? [p] : [];
  });
}

// Actions built from a status at run time: every value the code can put there.
const TEMPLATED: Record<string, string[]> = {
  "exception.": ["accepted", "rejected", "changes_requested", "expired", "revoked"],
  "identity.": ["quarantined", "decommissioned"],
};

/** Every audit action lib/ can append, read from the source: `action: "x.y"` (ternaries too), constants and templates. */
function appendedActions(): { actions: Set<string>; unknownTemplates: string[] } {
  const files = sources(LIB);
  const constants = new Map<string, string>();
  for (const f of files) for (const m of readFileSync(f, "utf8").matchAll(/export const ([A-Z_]+) = "([a-z_]+\.[a-z_]+)"/g)) constants.set(m[1], m[2]);
  const actions = new Set<string>();
  const unknownTemplates: string[] = [];
  for (const f of files) {
    for (const line of readFileSync(f, "utf8").split("\n")) {
      const m = /\baction: (.+)$/.exec(line);
      if (!m) continue;
      for (const lit of m[1].matchAll(/"([a-z_]+\.[a-z_]+)"/g)) actions.add(lit[1]);
      const constant = /^([A-Z_]+)\b/.exec(m[1]);
      if (constant && constants.has(constant[1])) actions.add(constants.get(constant[1])!);
      const template = /^`([a-z_]+\.)\$\{/.exec(m[1]);
      if (template) {
        if (TEMPLATED[template[1]]) TEMPLATED[template[1]].forEach((s) => actions.add(template[1] + s));
        else unknownTemplates.push(`${relative(LIB, f)}: ${template[0]}`);
      }
    }
  }
  return { actions, unknownTemplates };
}

describe("describeEvent", () => {
  it("has a sentence for every action lib/ appends to the audit trail", () => {
    const { actions, unknownTemplates } = appendedActions();
    expect(unknownTemplates).toEqual([]);
    // The extraction itself must see the actions known to be there, or it proves nothing.
    expect(actions.size).toBeGreaterThan(60);
    for (const known of ["request.approval_given", "grant.revoked", "drift.attached", "exception.accepted", "identity.quarantined", "grant.irrevocable"]) expect(actions).toContain(known);
    const missing = [...actions].filter((a) => !Object.hasOwn(SENTENCES, a)).sort();
    expect(missing).toEqual([]);
  });

  it("reads an approval with the person, the linked request and the comment", () => {
    const parts = describeEvent({ action: "request.approval_given", actorLabel: "dana@example.com", actorName: "Dana Park", subjectType: "access_request", subjectId: "r1", data: { comment: "ticket checked" } });
    expect(sentenceText(parts)).toBe("Dana Park approved the request: “ticket checked”");
    expect(parts).toContainEqual({ text: "the request", href: "/requests/r1" });
  });

  it("does not link the page's own object, and links others named in the data", () => {
    const e = { action: "request.approved", actorLabel: "system:worker", subjectType: "access_request", subjectId: "r1", data: { grantId: "g1" } };
    const parts = describeEvent(e, { subjectType: "access_request", subjectId: "r1" });
    expect(sentenceText(parts)).toBe("This request was approved; the grant is being issued");
    expect(parts).toContainEqual({ text: "the grant", href: "/grants/g1" });
    expect(parts.filter((p) => typeof p !== "string")).toHaveLength(1);
  });

  it("tells what the worker did and why, and a failure with its retry", () => {
    expect(sentenceText(describeEvent({ action: "grant.revoked", actorLabel: "system:worker", subjectType: "grant", subjectId: "g1", data: { reason: "expired", verified: true } }, { subjectType: "grant", subjectId: "g1" }))).toBe(
      "The worker revoked this grant at the issuer (window ended), verified",
    );
    const failed = sentenceText(describeEvent({ action: "grant.revoke_failed", actorLabel: "system:worker", subjectType: "grant", subjectId: "g1", data: { attempt: 2, error: "connection refused", nextAttemptAt: "2026-12-03T10:00:30.000Z" } }));
    expect(failed).toBe("Revocation failed: “connection refused” — retrying at 2026-12-03 10:00 UTC (attempt 2)");
  });

  it("reads an unknown action as words with its data as key: value pairs, never raw JSON", () => {
    const text = sentenceText(describeEvent({ action: "widget.re_tuned", actorLabel: "identity:orders-api", subjectType: "widget", subjectId: "w1", data: { level: 3, nested: { a: "b" }, tags: ["x", "y"] } }));
    expect(text).toBe("Orders-api recorded “widget.re tuned” on the widget — level: 3; nested.a: b; tags: x, y");
    expect(text).not.toContain("{");
  });

  it("survives data of the wrong shape", () => {
    for (const action of Object.keys(SENTENCES)) {
      for (const data of [{}, null, "text", [1], { reason: 5, comment: {}, changes: "x", decision: null }]) {
        const text = sentenceText(describeEvent({ action, actorLabel: "a@b.c", subjectType: "grant", subjectId: "g", data }));
        expect(text.length, action).toBeGreaterThan(5);
        expect(text, action).not.toMatch(/undefined|\[object Object\]/);
      }
    }
  });

  it("links subjects to their pages, and only those that have one", () => {
    expect(subjectHref("issuer", "i1")).toBe("/admin/issuers/i1");
    expect(subjectHref("exception", "e1")).toBe("/exceptions/e1");
    expect(subjectHref("api_token", "t1")).toBeNull();
    expect(subjectHref("grant", null)).toBeNull();
    expect(dataPairs({ a: { b: [1, 2] } })).toEqual([["a.b", "1, 2"]]);
  });

  it("reads a policy roll back with the version restored and the version it became", () => {
    const parts = describeEvent({ action: "policy.rolled_back", actorLabel: "ana@example.com", actorName: "Ana", subjectType: "policy", subjectId: "7", data: { from: 6, to: 7, restored: 4 } });
    expect(sentenceText(parts)).toBe("Ana rolled the policies back to the text of version 4, saved as version 7");
  });

  it("reads an invitation with the email and the roles given", () => {
    const parts = describeEvent({ action: "user.invited", actorLabel: "ana@example.com", actorName: "Ana", subjectType: "user", subjectId: "u1", data: { email: "pat@example.com", roles: ["approver", "owner"] } });
    expect(sentenceText(parts)).toBe("Ana invited the user (pat@example.com) with the roles approver, owner");
  });
});
