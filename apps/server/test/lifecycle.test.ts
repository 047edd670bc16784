import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { api, connect, createDeployment, registerUser, startServer, startServerProcess } from "./helpers";

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
      const lines = server.output().split("\n").filter((line) => line.includes("push notifications"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("push notifications off: set FIREBASE_SERVICE_ACCOUNT or GOOGLE_APPLICATION_CREDENTIALS");
    } finally {
      await server.kill();
      await deployment.drop();
    }
  });

  it("close() disconnects sockets, stops accepting, and resolves", async () => {
    const server = await startServer();
    const user = await registerUser(server);
    const socket = await connect(server, user.token);
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    await server.close();
    expect(await disconnected).toBe("io server disconnect");
    await expect(api(server, "GET", "/health")).rejects.toThrow();
  });
});
