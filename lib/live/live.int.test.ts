import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { systemActor } from "../authz";
import { appendAudit } from "../audit";
import { useFreshDatabase } from "../testing/database";
import { createUser } from "../testing/factories";
import { feedPrimed, onChanges, type Change } from "../platform/change-feed";
import { parseLiveTopics } from "./live-topics";
import { liveStream } from "./live-stream";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await database.drop();
});

const id = () => crypto.randomUUID();
const change = (subjectType: string, subjectId: string, action = "grant.revoke_requested") =>
  getDb().$transaction((tx) => appendAudit(tx, systemActor("test"), { action, subjectType, subjectId }));

/** Reads the stream's text until `until` matches or the time is up. */
async function readUntil(stream: ReadableStream<Uint8Array>, until: RegExp, ms: number): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  try {
    while (!until.test(text) && Date.now() < deadline) {
      const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
      if (!next || next.done) break;
      text += decoder.decode(next.value);
    }
  } finally {
    reader.releaseLock();
  }
  return text;
}

describe("the change feed", () => {
  it("hands every listener what was appended after it started, once, in order", async () => {
    const seen: Change[][] = [];
    const stop = onChanges((c) => seen.push(c));
    try {
      await feedPrimed();
      const [a, b] = [id(), id()];
      await change("grant", a);
      await change("access_request", b, "request.created");
      await expect.poll(() => seen.flat().map((c) => c.subjectId), { timeout: 5000 }).toEqual([a, b]);
      expect(seen.flat().map((c) => c.subjectType)).toEqual(["grant", "access_request"]);
    } finally {
      stop();
    }
  });
});

describe("the live stream", () => {
  it("says changed for a topic it follows, and nothing for another object", async () => {
    const security = await createUser(["security"]);
    const [mine, other] = [id(), id()];
    const abort = new AbortController();
    const stream = liveStream(parseLiveTopics(security, `grant:${mine}`), abort.signal);
    try {
      const [first] = await Promise.all([readUntil(stream, /listening/, 2000)]);
      expect(first).toMatch(/^retry: 2000/);
      await feedPrimed();
      await change("grant", other);
      expect(await readUntil(stream, /event: changed/, 2500)).not.toMatch(/changed/);
      await change("grant", mine);
      expect(await readUntil(stream, /event: changed/, 5000)).toMatch(/event: changed\ndata: \{\}\n\n/);
    } finally {
      abort.abort();
    }
    // Closed by the abort: the reader sees the end.
    const reader = stream.getReader();
    expect((await reader.read()).done).toBe(true);
  });

  it("follows only kinds the person may read, and refuses malformed topics in words", async () => {
    const requester = await createUser(["requester"]);
    const auditor = await createUser(["auditor"]);
    expect(parseLiveTopics(requester, "grant,access_request")).toEqual([
      { kind: "grant", id: null },
      { kind: "access_request", id: null },
    ]);
    expect(() => parseLiveTopics(requester, "issuer")).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => parseLiveTopics(requester, "exception")).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(parseLiveTopics(auditor, "exception")).toEqual([{ kind: "exception", id: null }]);
    for (const bad of [null, "", "__proto__", "constructor", "grant:not-a-uuid", `grant:${id()}:x`, "grant\u0000", "toString", Array(21).fill("grant").join(",")]) {
      expect(() => parseLiveTopics(requester, bad), String(bad)).toThrow(expect.objectContaining({ code: "validation_failed" }));
    }
  });
});
