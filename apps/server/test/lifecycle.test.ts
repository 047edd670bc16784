import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  api,
  connect,
  createDeployment,
  redisForTests,
  redisNamespace,
  registerUser,
  startBalancer,
  startServer,
  startServerProcess,
} from "./helpers";

const redisUrl = await redisForTests();

const serverDir = join(import.meta.dirname, "..");

function runMain(env: Record<string, string>) {
  return spawnSync(join(serverDir, "node_modules/.bin/tsx"), ["src/main.ts"], {
    cwd: serverDir,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("start-up and shutdown", () => {
  it("refuses to start in production without JWT_SECRET, saying why", () => {
    const result = runMain({ NODE_ENV: "production", PORT: "0" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("JWT_SECRET: required in production");
  });

  it("names every bad variable and exits", () => {
    const result = runMain({ PORT: "http", LOG_LEVEL: "loud" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toMatch(/LOG_LEVEL/);
  });

  it("says in one line at start-up that push notifications are off without Firebase credentials", async () => {
    const deployment = createDeployment();
    const server = await startServerProcess(deployment);
    try {
      const lines = server
        .output()
        .split("\n")
        .filter((line) => line.includes("push notifications"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("push notifications off: set FIREBASE_SERVICE_ACCOUNT or GOOGLE_APPLICATION_CREDENTIALS");
    } finally {
      await server.kill();
      await deployment.drop();
    }
  });

  it("close() tells sockets to reconnect, closes them without ending their session, stops accepting, and resolves", async () => {
    const server = await startServer();
    const user = await registerUser(server);
    const socket = await connect(server, user.token);
    const hint = new Promise<unknown>((resolve) => socket.once("shutdown", resolve));
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    await server.close();
    expect(await hint).toEqual({ reconnectAfterMs: 1000 });
    // "transport close", unlike "io server disconnect", is what socket.io clients reconnect after by themselves.
    expect(await disconnected).toBe("transport close");
    await expect(api(server, "GET", "/health")).rejects.toThrow();
  });

  it.skipIf(!redisUrl)("/health/ready stays ready while Redis is unreachable, reporting it as degraded", async () => {
    const { hostname, port } = new URL(redisUrl!);
    const proxy = await startBalancer([Number(port || 6379)]);
    const namespace = redisNamespace(redisUrl!);
    const server = await startServer({ REDIS_URL: `redis://${hostname}:${new URL(proxy.url).port}`, REDIS_PREFIX: namespace.prefix });
    try {
      expect(await api(server, "GET", "/health/ready")).toMatchObject({
        status: 200,
        body: { checks: { database: "ok", redis: "ok" }, degraded: [] },
      });
      await proxy.close();
      const startedAt = Date.now();
      const down = await api(server, "GET", "/health/ready");
      expect(down).toMatchObject({
        status: 200,
        body: { status: "ready", checks: { database: "ok", redis: "down" }, degraded: ["redis"] },
      });
      expect(Date.now() - startedAt).toBeLessThan(2_000);
      expect((await api(server, "GET", "/health")).status).toBe(200);
    } finally {
      await server.close();
      await namespace.drop();
    }
  });

  it("refuses to start when Redis does not answer, saying so", async () => {
    await expect(startServer({ REDIS_URL: "redis://127.0.0.1:9" })).rejects.toThrow(
      "Redis at redis://127.0.0.1:9 did not answer within 10 s",
    );
  }, 20_000);

  it("/health/ready reports the database (and Redis when configured), and 503 while shutting down", async () => {
    const server = await startServer();
    try {
      expect(await api(server, "GET", "/health/ready")).toMatchObject({
        status: 200,
        body: { status: "ready", checks: { database: "ok", redis: "disabled" }, degraded: [] },
      });
      server.app.deps.lifecycle.shuttingDown = true;
      expect(await api(server, "GET", "/health/ready")).toMatchObject({
        status: 503,
        body: { error: "Shutting down", code: "SERVICE_UNAVAILABLE", details: { database: "ok", redis: "disabled" } },
      });
      expect((await api(server, "GET", "/health")).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
