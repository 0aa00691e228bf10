// Where Hourglass may send a signed call or fetch keys from: https anywhere, plain http only to
// this machine (a sidecar, a test server). Checked when the URL is configured and again when it
// is used, so a row written before the rule (or by hand) is refused too.

/** localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Why `url` may not be used for an outbound call, or null when it may. */
export function outboundUrlProblem(url: string, what: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${what} is not a URL`;
  }
  if (u.protocol === "https:") return null;
  if (u.protocol === "http:") return isLoopbackHost(u.hostname) ? null : `${what} must use https:// (plain http:// is allowed only to loopback: localhost, 127.0.0.1, [::1])`;
  return `${what} must be an https:// URL`;
}
