import type { AddressInfo } from "node:net";
import { connect, createServer, type Socket } from "node:net";

export interface Balancer {
  url: string;
  /** The ports new connections go to, tried in order (the first that accepts wins). */
  route(ports: number[]): void;
  close(): Promise<void>;
}

/**
 * A TCP load balancer for tests: each new connection goes to the first backend that accepts it, as a
 * balancer with health checks would once a process is gone. WebSocket connections pass through as they
 * are; no sticky sessions.
 */
export async function startBalancer(ports: number[]): Promise<Balancer> {
  let backends = ports;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => client.destroy());
    client.pause();
    const tryBackend = (index: number) => {
      const port = backends[index];
      if (port === undefined) return client.destroy();
      const upstream = connect({ host: "127.0.0.1", port });
      let connected = false;
      upstream.on("error", () => {
        upstream.destroy();
        if (connected) client.destroy();
        else tryBackend(index + 1);
      });
      upstream.once("connect", () => {
        connected = true;
        open.add(upstream);
        upstream.on("close", () => {
          open.delete(upstream);
          client.destroy();
        });
        client.on("close", () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    route(next) {
      backends = next;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
