import { describe, expect, it } from "vitest";
import { areas, assertCan, can, permissions, rolePermissions, roles, visibleAreas, type RoleName, type UserActor } from "./authz";

const user = (...r: RoleName[]): UserActor => ({ type: "user", id: "u", email: "u@x", name: "U", roles: r });
const areaKeys = (...r: RoleName[]) => visibleAreas(user(...r)).map((a) => a.key);

describe("role → permission table", () => {
  it("gives admin every permission", () => {
    for (const p of permissions) expect(can(user("admin"), p)).toBe(true);
  });

  it("names only known permissions", () => {
    for (const r of roles) for (const p of rolePermissions[r]) expect(permissions).toContain(p);
  });

  it("keeps the auditor read-only", () => {
    const writes = permissions.filter((p) => !["request:read_all", "grant:read_all", "identity:read", "exception:read", "metrics:read", "audit:read"].includes(p));
    for (const p of writes) expect(can(user("auditor"), p), p).toBe(false);
  });

  it("lets only admin and security approve break-glass reviews or revoke, never a requester", () => {
    expect(can(user("requester"), "grant:revoke")).toBe(false);
    expect(can(user("approver"), "exception:review")).toBe(false);
    expect(can(user("owner"), "exception:review")).toBe(false);
    expect(can(user("security"), "exception:review")).toBe(true);
  });

  it("gives a user without roles nothing", () => {
    expect(() => assertCan(user(), "identity:read")).toThrowError(/needs identity:read/);
  });

  it("combines the permissions of several roles", () => {
    expect(can(user("owner", "approver"), "request:approve")).toBe(true);
    expect(can(user("owner", "approver"), "attestation:attest")).toBe(true);
  });

  it("scopes an identity token to its scopes only", () => {
    const id = { type: "identity" as const, id: "i", name: "svc", scopes: ["request:create" as const] };
    expect(can(id, "request:create")).toBe(true);
    expect(can(id, "request:approve")).toBe(false);
  });
});

describe("areas per role", () => {
  it("shows each role exactly its areas", () => {
    expect(areaKeys("admin")).toEqual(areas.map((a) => a.key));
    expect(areaKeys("security")).toEqual(["overview", "requests", "approvals", "grants", "identities", "exceptions", "attestations", "metrics", "audit"]);
    expect(areaKeys("approver")).toEqual(["overview", "requests", "approvals", "grants", "identities", "metrics"]);
    expect(areaKeys("owner")).toEqual(["overview", "requests", "grants", "identities", "exceptions", "attestations"]);
    expect(areaKeys("auditor")).toEqual(["overview", "requests", "grants", "identities", "exceptions", "metrics", "audit"]);
    expect(areaKeys("requester")).toEqual(["overview", "requests", "grants", "identities"]);
    expect(areaKeys()).toEqual(["overview"]);
  });
});
