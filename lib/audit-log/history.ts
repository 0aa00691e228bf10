import type { Db, Tx } from "../db";
import { describeEvent, type Here, type SentencePart } from "./describe-event";

/** One audit event as a history panel shows it: the sentence, and the exact recorded data beside it. */
export type HistoryEntry = {
  seq: string;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  sentence: SentencePart[];
  data: unknown;
};

type Recorded = { seq: bigint | string; at: Date | string; actorLabel: string; action: string; subjectType: string; subjectId: string | null; data: unknown };

/**
 * The events as sentences, people named by their display name (one query for all of them).
 * `here` is the page's own object, which the sentences then do not link to.
 */
export async function toHistory(db: Db | Tx, events: Recorded[], here?: Here): Promise<HistoryEntry[]> {
  const emails = [...new Set(events.map((e) => e.actorLabel).filter((l) => l.includes("@") && !l.includes(":")))];
  const users = emails.length ? await db.user.findMany({ where: { email: { in: emails } }, select: { email: true, name: true } }) : [];
  const names = new Map(users.map((u) => [u.email, u.name]));
  return events.map((e) => ({
    seq: e.seq.toString(),
    at: typeof e.at === "string" ? e.at : e.at.toISOString(),
    actor: e.actorLabel,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    sentence: describeEvent({ ...e, actorName: names.get(e.actorLabel) || null }, here),
    data: e.data,
  }));
}
