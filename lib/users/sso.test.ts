import { describe, expect, it } from "vitest";
import { parseRoleMap, rolesFromGroups } from "./sso";

describe("SSO groups → roles", () => {
  const map = parseRoleMap("platform-admins=admin, secops=security, secops=approver, sre=approver,owners=owner");

  it("maps groups from an array claim", () => {
    expect(rolesFromGroups(["secops", "unrelated"], map)).toEqual(["security", "approver"]);
  });

  it("accepts a space or comma separated claim", () => {
    expect(rolesFromGroups("sre owners", map)).toEqual(["approver", "owner"]);
    expect(rolesFromGroups("sre,owners", map)).toEqual(["approver", "owner"]);
  });

  it("gives no role for unknown groups or a missing claim", () => {
    expect(rolesFromGroups(["nobody"], map)).toEqual([]);
    expect(rolesFromGroups(undefined, map)).toEqual([]);
  });

  it("refuses a map naming an unknown role", () => {
    expect(() => parseRoleMap("ops=superuser")).toThrow(/not a role/);
    expect(() => parseRoleMap("justagroup")).toThrow(/group=role/);
  });
});
