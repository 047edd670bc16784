import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "@hestia/db/testing";
import { io as connectSocket, type Socket } from "socket.io-client";
import { expect } from "vitest";
import { type App, type CreateAppOptions, createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { raisedLimits } from "./process";

export interface TestServer {
  app: App;
  url: string;
  close(): Promise<void>;
}

/**
 * A real server on a free port with its own fresh database (SQLite, or MariaDB when
 * TEST_DATABASE=mariadb). `env` overrides any variable of the server's configuration.
 */
export async function startServer(env: Record<string, string> = {}, options: Omit<CreateAppOptions, "config"> = {}): Promise<TestServer> {
  const database = createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "hestia-server-"));
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: "silent",
    AUTH_RATE_LIMIT_PER_IP: "100000",
    AUTH_RATE_LIMIT_PER_USERNAME: "1000",
    // Tests send and look up faster than any person; the tests of the limits set their own.
    ...raisedLimits,
    ...env,
  });
  const app = await createApp({ config, ...options });
  const address = await app.listen(0, "127.0.0.1");
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Sends one HTTP request; `body` objects are sent as JSON, strings as they are. */
export async function api<T = any>(
  server: TestServer,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (typeof options.body === "string") body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(server.url + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

let counter = 0;

/** A username unique within the run. */
export function uniqueName(prefix = "user"): string {
  counter += 1;
  return `${prefix}_${counter}_${randomBytes(3).toString("hex")}`;
}

export interface TestUser {
  id: number;
  username: string;
  password: string;
  token: string;
}

export async function registerUser(server: TestServer, prefix = "user"): Promise<TestUser> {
  const username = uniqueName(prefix);
  const password = "correct horse battery";
  const response = await api(server, "POST", "/auth/register", { body: { username, password } });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
  return { id: response.body.user.id, username, password, token: response.body.token };
}

/** Connects a real socket.io client; resolves once connected, rejects with the connect_error. */
export function connect(server: TestServer, token: string | undefined, extra: object = {}): Promise<Socket> {
  const socket = connectSocket(server.url, {
    auth: token === undefined ? {} : { token },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    ...extra,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Asserts that a body is an API error without internals leaking. */
export function expectCleanError(text: string): void {
  if (/\bat .+:\d+:\d+|stack|prisma|sqlite|mariadb|SQL/i.test(text)) {
    throw new Error(`error body leaks internals: ${text}`);
  }
}

/** The profile a freshly registered, never-connected user has. */
export function freshProfile(user: TestUser) {
  return {
    id: user.id,
    username: user.username,
    bio: "",
    status: "offline",
    profilePictureUrl: null,
    createdAt: expect.any(String),
  };
}

/** Makes two users friends through the public API. */
export async function befriend(server: TestServer, a: TestUser, b: TestUser): Promise<void> {
  const asked = await api(server, "POST", `/friends/request/${b.id}`, { token: a.token });
  const accepted = await api(server, "POST", `/friends/accept/${a.id}`, { token: b.token });
  if (asked.status !== 200 || accepted.status !== 200) throw new Error(`befriend failed: ${asked.text} ${accepted.text}`);
}

/** A group `owner` creates, with each of `members` befriended by the owner and added; answers its id. */
export async function groupWith(server: TestServer, owner: TestUser, members: TestUser[], name = "Group"): Promise<number> {
  const id = (await api(server, "POST", "/groups", { token: owner.token, body: { name } })).body.id as number;
  for (const member of members) {
    await befriend(server, owner, member);
    await api(server, "POST", `/groups/${id}/members/${member.id}`, { token: owner.token });
  }
  return id;
}

/** Emits an event with an acknowledgement and resolves with the ack's argument. */
export function emitAck<T = any>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 10_000);
    socket.emit(event, payload, (response: T) => {
      clearTimeout(timer);
      resolve(response);
    });
  });
}

/**
 * Resolves once everything this server process emitted to the socket before the call has arrived: the
 * answer to a request sent now comes after those events on the same connection. The request is a
 * malformed one, refused without touching anything.
 */
export async function roundTrip(socket: Socket): Promise<void> {
  const answer = await emitAck<{ code?: string }>(socket, "leaveGroup", {});
  if (answer?.code !== "VALIDATION_ERROR") throw new Error(`unexpected answer to the round trip: ${JSON.stringify(answer)}`);
}

/** Collects every payload a socket receives for an event. */
export function collect<T = any>(socket: Socket, event: string): T[] {
  const received: T[] = [];
  socket.on(event, (payload: T) => received.push(payload));
  return received;
}

/** Waits until `check` passes (or fails after the timeout with its last error). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export { type Balancer, startBalancer } from "./balancer";
export { type FakeFcm, startFakeFcm } from "./fake-fcm";
export { dumpDatabase, findSecret, memoryLogger } from "./inspect";
export { hasRedisServer, type PrivateRedis, startPrivateRedis } from "./private-redis";
export { createDeployment, type Deployment, raisedLimits, type ServerProcess, startServerProcess } from "./process";
export { redisForTests, redisNamespace } from "./redis";
