import { describe, expect, it } from "vitest";
import { isLoopbackHost, outboundUrlProblem } from "./outbound-url";

describe("outbound URLs", () => {
  it("allows https anywhere and http only to loopback", () => {
    for (const ok of ["https://ops.example.com/hook", "http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]:9/x", "http://127.5.6.7/"]) {
      expect(outboundUrlProblem(ok, "url")).toBeNull();
    }
    for (const bad of ["http://ops.example.com/hook", "http://10.0.0.5/", "http://127.0.0.1.nip.io/", "http://localhost.example.com/", "ftp://127.0.0.1/", "file:///etc/passwd", "not a url"]) {
      expect(outboundUrlProblem(bad, "url")).toMatch(/^url /);
    }
    expect(outboundUrlProblem("http://ops.example.com/", "jwksUrl")).toMatch(/jwksUrl must use https:\/\//);
  });

  it("knows loopback host names", () => {
    expect(isLoopbackHost("LOCALHOST")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
    expect(isLoopbackHost("::ffff:10.0.0.1")).toBe(false);
  });
});
