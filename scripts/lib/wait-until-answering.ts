/** The address to reach a server that listens on `host`: a wildcard address is reached on loopback. */
export function localUrl(host: string, port: number | string, pathname: string): string {
  const reach = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${reach.includes(":") ? `[${reach}]` : reach}:${port}${pathname}`;
}

/**
 * Resolves once `url` answers 200 (the server is up and what it needs, such as its database,
 * answers too), or with false as soon as `gone()` says the server process ended. Each try is cut
 * off after `tryTimeoutMs`, so a server that accepts connections but hangs is tried again.
 */
export async function waitUntilAnswering(
  url: string,
  opts: { gone: () => boolean; intervalMs?: number; tryTimeoutMs?: number; fetchImpl?: typeof fetch },
): Promise<boolean> {
  const { gone, intervalMs = 100, tryTimeoutMs = 5_000, fetchImpl = fetch } = opts;
  while (!gone()) {
    try {
      const res = await fetchImpl(url, { redirect: "manual", signal: AbortSignal.timeout(tryTimeoutMs), headers: { "cache-control": "no-store" } });
      await res.body?.cancel();
      if (res.status === 200) return true;
    } catch {
      // Not listening yet, or the try timed out.
    }
    if (gone()) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}
