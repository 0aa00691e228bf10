import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { canonicalJson, eventHash, GENESIS_HASH, hashedTail } from "./audit";

const event = {
  id: "5b8f0a64-1f4e-4d0c-9a51-0c8c4a2f7e11",
  at: new Date("2026-11-27T10:00:00.000Z"),
  actorType: "user",
  actorId: "u1",
  actorLabel: "ada@hourglass.local",
  action: "grant.revoked",
  subjectType: "grant",
  subjectId: "g1",
  data: { reason: "expired", nested: { b: 1, a: [3, { y: 2, x: 1 }] } },
};

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: 0 }] } })).toBe('{"a":{"c":[2,{"y":0,"z":1}]},"b":1}');
  });
});

describe("eventHash", () => {
  it("does not depend on key order (jsonb reorders keys)", () => {
    const reordered = { ...event, data: { nested: { a: [3, { x: 1, y: 2 }], b: 1 }, reason: "expired" } };
    expect(eventHash(GENESIS_HASH, reordered)).toBe(eventHash(GENESIS_HASH, event));
  });

  it("changes when any field or the previous hash changes", () => {
    const base = eventHash(GENESIS_HASH, event);
    expect(eventHash("1".repeat(64), event)).not.toBe(base);
    expect(eventHash(GENESIS_HASH, { ...event, action: "grant.issued" })).not.toBe(base);
    expect(eventHash(GENESIS_HASH, { ...event, at: new Date("2026-11-27T10:00:00.001Z") })).not.toBe(base);
    expect(eventHash(GENESIS_HASH, { ...event, data: { ...event.data, reason: "early" } })).not.toBe(base);
    expect(eventHash(GENESIS_HASH, { ...event, actorId: null })).not.toBe(base);
  });

  it("hashes the canonical JSON of [previous hash, fields…]; the tail the database chains continues it", () => {
    const whole = canonicalJson([GENESIS_HASH, event.id, event.at.toISOString(), event.actorType, event.actorId, event.actorLabel, event.action, event.subjectType, event.subjectId, event.data]);
    expect(eventHash(GENESIS_HASH, event)).toBe(createHash("sha256").update(whole).digest("hex"));
    expect(`["${GENESIS_HASH}",${hashedTail(event)}`).toBe(whole);
  });

  it("is a sha256 hex digest", () => {
    expect(eventHash(GENESIS_HASH, event)).toMatch(/^[0-9a-f]{64}$/);
  });
});
