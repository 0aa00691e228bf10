import net from "node:net";

// A loopback TCP proxy between Hourglass and a server it calls, to cause network faults for real:
// hold every byte (a stalled network), delay every chunk (a slow server), or cut every connection
// and refuse new ones (a partition), then heal.

export type TcpProxy = {
  port: number;
  /** Buffers traffic in both directions until release(). */
  hold: () => void;
  release: () => void;
  /** Delays each chunk sent to the server by this many ms (0: none). */
  delayMs: number;
  /** Destroys every open connection and refuses new ones until heal(). */
  cut: () => void;
  heal: () => void;
  close: () => Promise<void>;
};

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let held = false;
  let cutOff = false;
  const waiting: (() => void)[] = [];
  const proxy = { delayMs: 0 } as TcpProxy;

  const forward = (from: net.Socket, to: net.Socket, delayed: boolean) => {
    from.on("data", (chunk) => {
      const send = () => {
        if (!to.destroyed) to.write(chunk);
      };
      const go = () => (delayed && proxy.delayMs > 0 ? setTimeout(send, proxy.delayMs) : send());
      if (held) waiting.push(go);
      else go();
    });
  };

  const server = net.createServer((client) => {
    if (cutOff) return void client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    forward(client, upstream, true);
    forward(upstream, client, false);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return Object.assign(proxy, {
    port: (server.address() as net.AddressInfo).port,
    hold: () => void (held = true),
    release: () => {
      held = false;
      for (const go of waiting.splice(0)) go();
    },
    cut: () => {
      cutOff = true;
      waiting.length = 0;
      for (const s of sockets) s.destroy();
    },
    heal: () => void (cutOff = false),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
