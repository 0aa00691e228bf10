import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import Provider, { type Configuration } from "oidc-provider";

// What the SSO end-to-end test runs: a real OpenID Connect provider (oidc-provider), a forwarding
// HTTP proxy that gives each loopback server a public host name, and a second Hourglass started the
// way a deployment starts it (SSO only), reached through that proxy by Chromium and calling the
// provider through it too.

export type Closer = { close(): Promise<void> };

/**
 * A forwarding proxy (absolute-form requests and CONNECT, as browsers and Node's fetch send them)
 * that routes each public host name to a loopback port. Any other host is refused, so nothing
 * leaves the machine.
 */
export async function startForwardProxy(routes: Record<string, number>): Promise<Closer & { url: string; seen: string[] }> {
  const seen: string[] = [];
  const portOf = (host: string) => routes[host.toLowerCase()];
  const server = http.createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      res.writeHead(400).end("absolute URL expected");
      return;
    }
    const port = portOf(target.hostname);
    seen.push(`${req.method} ${target.host}${target.pathname}`);
    if (!port) {
      res.writeHead(502).end(`no route to ${target.hostname}`);
      return;
    }
    const upstream = http.request(
      { host: "127.0.0.1", port, method: req.method, path: target.pathname + target.search, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.rawHeaders);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end("upstream unreachable"));
    // A client gone (a closed browser) ends its upstream request too: a held-open stream must not outlive it.
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on("connect", (req, socket: net.Socket, head) => {
    const [host] = (req.url ?? "").split(":");
    const port = portOf(host);
    seen.push(`CONNECT ${req.url}`);
    if (!port) {
      socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      return;
    }
    const upstream = net.connect(port, "127.0.0.1", () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

export type SsoAccount = { sub: string; email: string; email_verified: boolean; name: string; groups: string[] };

/** A real OpenID Connect provider whose login form takes the account's subject as its login (any password). */
export async function startOidcProvider(opts: {
  issuer: string;
  port: number;
  client: { id: string; secret: string; redirectUri: string };
  accounts: Record<string, SsoAccount>;
}): Promise<Closer> {
  const configuration: Configuration = {
    clients: [
      {
        client_id: opts.client.id,
        client_secret: opts.client.secret,
        redirect_uris: [opts.client.redirectUri],
        response_types: ["code"],
        grant_types: ["authorization_code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    scopes: ["openid", "email", "profile", "groups"],
    // Claims in the ID token, where Auth.js reads them.
    conformIdTokenClaims: false,
    cookies: { keys: ["sso-e2e-cookie-key-not-a-secret"] },
    features: { devInteractions: { enabled: true } },
    // The login form's name is the account's subject.
    async findAccount(_ctx, id) {
      const account = Object.values(opts.accounts).find((a) => a.sub === id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ ...account }) };
    },
  };
  const provider = new Provider(opts.issuer, configuration);
  const server = http.createServer(provider.callback());
  await new Promise<void>((r) => server.listen(opts.port, "127.0.0.1", r));
  return { close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** Hourglass started with `npm start`'s launcher, on its own embedded PostgreSQL and data folder. */
export async function startHourglass(opts: { port: number; pgPort: number; dataDir: string; env: Record<string, string> }): Promise<Closer & { output: () => string }> {
  const root = path.resolve(import.meta.dirname, "..");
  let output = "";
  const child: ChildProcess = spawn(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/start.ts"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(opts.port),
      HOST: "127.0.0.1",
      HOURGLASS_DATA_DIR: opts.dataDir,
      HOURGLASS_PG_PORT: String(opts.pgPort),
      NEXT_TELEMETRY_DISABLED: "1",
      ...opts.env,
    },
  });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Hourglass exited before serving:\n${output}`);
    if (Date.now() > deadline) throw new Error(`Hourglass not serving after 240 s:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${opts.port}/sign-in`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    output: () => output,
    close: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
