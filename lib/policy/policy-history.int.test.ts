import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { useFreshDatabase } from "../testing/database";
import { createUser } from "../testing/factories";
import { defaultPolicies } from "./default-policies";
import { findPolicyVersions, savePolicies } from "./save-policies";
import { findPolicyHistory } from "./find-policy-history";
import { rollBackPolicies } from "./roll-back-policies";

let database: Awaited<ReturnType<typeof useFreshDatabase>>;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await database.drop();
});

const extra = `@id("night-owls") forbid(principal, action == Hourglass::Action::"request", resource) when { context.hourUtc < 0 };`;

describe("policy history and roll back", () => {
  it("lists every version newest first with its author and the lines it changed, and rolls back by saving a new version", async () => {
    const admin = await createUser(["admin"]);
    const empty = await findPolicyHistory({ actor: admin });
    expect(empty.entries.map((e) => [e.version, e.inForce])).toEqual([[1, true]]);

    await savePolicies({ actor: admin, text: `${defaultPolicies.trimEnd()}\n${extra}\n`, comment: "add the night owls rule" });
    const history = await findPolicyHistory({ actor: admin });
    expect(history.version).toBe(2);
    expect(history.entries.map((e) => e.version)).toEqual([2, 1]);
    const [v2] = history.entries;
    expect(v2).toMatchObject({ comment: "add the night owls rule", author: { name: admin.name, email: admin.email }, inForce: true, changes: { added: 1, removed: 0 } });
    expect(v2.changes!.lines.flatMap((l) => (l.kind === "added" ? [l.text] : []))).toEqual([extra]);

    const rolled = await rollBackPolicies(admin, { version: 1 });
    expect(rolled).toMatchObject({ version: 3, removed: ["night-owls"] });
    const active = await findPolicyVersions({ actor: admin });
    expect(active.version).toBe(3);
    expect(active.text).toBe(defaultPolicies);
    const v3 = (await findPolicyHistory({ actor: admin })).entries[0];
    expect(v3).toMatchObject({ version: 3, comment: "Roll back to version 1", inForce: true, changes: { added: 0, removed: 1 } });

    // The roll back is audited with the change itself, as a roll back.
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "policy.rolled_back", subjectId: "3" } });
    expect(event).toMatchObject({ actorId: admin.id });
    expect(event.data).toMatchObject({ from: 2, to: 3, restored: 1, removed: ["night-owls"] });

    // And forward again, to a saved version.
    await rollBackPolicies(admin, { version: 2 });
    expect((await findPolicyVersions({ actor: admin })).text).toBe(`${defaultPolicies.trimEnd()}\n${extra}\n`);
  });

  it("refuses in words a version that does not exist or is already in force", async () => {
    const admin = await createUser(["admin"]);
    const { version } = await findPolicyVersions({ actor: admin });
    await expect(rollBackPolicies(admin, { version })).rejects.toMatchObject({ code: "invalid_state", message: `Version ${version} is already in force` });
    await expect(rollBackPolicies(admin, { version: 999 })).rejects.toMatchObject({ code: "not_found", message: "There is no policy version 999" });
    await expect(rollBackPolicies(admin, { version: 0 })).rejects.toMatchObject({ code: "validation_failed" });
    // Version 2 has the text in force (version 4 restored it).
    await expect(rollBackPolicies(admin, { version: 2 })).rejects.toMatchObject({ code: "invalid_state", message: expect.stringContaining("already has the text of version 2") });
  });

  it("lets only admins read the history or roll back, and a refused roll back changes nothing", async () => {
    const before = await getDb().policyVersion.count();
    const events = await getDb().auditEvent.count({ where: { action: "policy.rolled_back" } });
    for (const roles of [["security"], ["approver"], ["owner"], ["auditor"]] as const) {
      const actor = await createUser([...roles]);
      await expect(rollBackPolicies(actor, { version: 1 })).rejects.toMatchObject({ code: "forbidden" });
      await expect(findPolicyHistory({ actor })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await getDb().policyVersion.count()).toBe(before);
    expect(await getDb().auditEvent.count({ where: { action: "policy.rolled_back" } })).toBe(events);
  });
});
