import { z } from "zod";
import { canAny, type Actor, type Permission } from "../authz";
import { AppError, forbidden } from "../errors";
import type { Change } from "../platform/change-feed";

// What an open page listens to: a kind of object ("grant": any grant changed) or one object
// ("grant:<id>"). A page hears only that something it shows changed, never what or whose, and
// only for kinds the person may read.

const kinds: Record<string, Permission[]> = {
  grant: ["grant:read_all", "request:create"],
  access_request: ["request:read_all", "request:create", "request:approve"],
  exception: ["exception:read", "exception:propose"],
  identity: ["identity:read"],
  issuer: ["admin:issuers"],
};

export type LiveTopic = { kind: string; id: string | null };

const uuid = z.string().uuid();

/** The topics of `?topics=grant,access_request:<id>`, each one the actor may hear; a clear 4xx otherwise. */
export function parseLiveTopics(actor: Actor, raw: string | null): LiveTopic[] {
  const parts = (raw ?? "").split(",").map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0 || parts.length > 20) throw new AppError("validation_failed", "topics: name between 1 and 20 topics, such as grant or grant:<id>");
  return parts.map((part) => {
    const [kind, id, ...rest] = part.split(":");
    if (!Object.hasOwn(kinds, kind) || rest.length > 0 || (id !== undefined && !uuid.safeParse(id).success)) {
      throw new AppError("validation_failed", `topics: "${part.slice(0, 80)}" is not a topic (one of ${Object.keys(kinds).join(", ")}, optionally :<id>)`);
    }
    if (!canAny(actor, kinds[kind])) throw forbidden(`You may not follow changes to ${kind.replaceAll("_", " ")}s`);
    return { kind, id: id ?? null };
  });
}

/** Whether any of the changes touches a topic. */
export function touches(topics: LiveTopic[], changes: Change[]): boolean {
  return changes.some((c) => topics.some((t) => t.kind === c.subjectType && (t.id === null || t.id === c.subjectId)));
}
