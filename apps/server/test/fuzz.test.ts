import { clientEvents, contract, type Endpoint, errorStatus } from "@hestia/contracts";
import fc from "fast-check";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inputs } from "./fuzz/arbitraries";
import { api, befriend, connect, emitAck, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

/**
 * Random and hostile input, built from the contract's own schemas, at every REST endpoint (with and
 * without a token) and every client socket event: the server never answers 5xx, every refusal is a JSON
 * `{ error, code }` with the code's status, every socket event is acknowledged, and the server keeps
 * serving. FUZZ_RUNS sets the runs per endpoint and event, FUZZ_SEED the seed (printed on failure).
 */
const runs = Number(process.env.FUZZ_RUNS ?? 12);
const seed = Number(process.env.FUZZ_SEED ?? 20_261_204);

const endpoints = Object.entries(contract).flatMap(([domain, group]) =>
  Object.entries(group as Record<string, Endpoint>).map(([name, endpoint]) => ({ id: `${domain}.${name}`, endpoint })),
);
// Endpoints that end the fuzzing user's own session or account: fuzzed without a token only.
const selfEnding = new Set(["users.deleteMe", "auth.logout", "auth.password", "auth.revokeSession", "auth.signOutEverywhere"]);

let server: TestServer;
let user: TestUser;
let ids: number[];
beforeAll(async () => {
  server = await startServer();
  const [friend, stranger] = [await registerUser(server, "friend"), await registerUser(server, "stranger")];
  user = await registerUser(server, "fuzzer");
  await befriend(server, user, friend);
  const group = await api(server, "POST", "/groups", { token: user.token, body: { name: "Fuzzed" } });
  const message = await api(server, "POST", `/messages/direct/${friend.id}`, { token: user.token, body: { content: "hello" } });
  ids = [user.id, friend.id, stranger.id, group.body.id, message.body.id, 1];
});
afterAll(() => server.close());

interface Transport {
  contentType: string | undefined;
  rawBody: string | undefined;
}

/** How a generated input travels: its path parameters in the path, the rest in the query (GET, DELETE) or the body. */
function toRequest(endpoint: Endpoint, input: unknown, transport: Transport) {
  const fields: Record<string, unknown> = typeof input === "object" && input !== null && !Array.isArray(input) ? { ...input } : {};
  // Node itself answers a request line over 16 KB with a bare 431, before any of the server's code: values
  // in the path and query are cut short of that (huge values still travel in bodies).
  const text = (value: unknown) => (typeof value === "string" ? value : (JSON.stringify(value) ?? String(value))).slice(0, 4_000);
  const path = endpoint.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = fields[name];
    delete fields[name];
    return encodeURIComponent(text(value));
  });
  const headers: Record<string, string> = transport.contentType ? { "content-type": transport.contentType } : {};
  if (endpoint.method === "GET" || endpoint.method === "DELETE") {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) query.set(key, text(value));
    const search = query.toString();
    return { path: search ? `${path}?${search}` : path, headers, body: undefined };
  }
  const body = transport.rawBody ?? (Object.keys(fields).length || input === undefined ? JSON.stringify(fields) : JSON.stringify(input));
  return { path, headers: { "content-type": "application/json", ...headers }, body };
}

/** JSON text nested `depth` levels deep, built as text (deeper than any structure the test could stringify). */
const nestedText = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

const transports = fc.record({
  contentType: fc.constantFrom(undefined, undefined, undefined, "text/plain", "application/json; charset=utf-16"),
  rawBody: fc.option(
    fc.oneof(
      fc.constantFrom("{", "[1,", "", "null", "nul", '{"a":1}}', "\u0000", nestedText(33), nestedText(100_000)),
      fc.integer({ min: 33, max: 80_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
    ),
    { freq: 6, nil: undefined },
  ),
});

/** The property every answer holds: no 5xx; a refusal is `{ error, code }` as JSON, with the code's status. */
function expectWellFormed(status: number, text: string, label: string) {
  expect(status, label).toBeLessThan(500);
  if (status < 400) return;
  const body = JSON.parse(text) as { error?: unknown; code?: keyof typeof errorStatus };
  expect(typeof body.error, label).toBe("string");
  expect(body.code && errorStatus[body.code], `${label}: ${text.slice(0, 200)}`).toBe(status);
}

async function send(endpoint: Endpoint, input: unknown, transport: Transport, token?: string) {
  const request = toRequest(endpoint, input, transport);
  const response = await fetch(server.url + request.path, {
    method: endpoint.method,
    headers: { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: request.body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  expectWellFormed(response.status, text, `${endpoint.method} ${request.path.slice(0, 120)}`);
}

// A failure's message names the seed and the counterexample (FUZZ_SEED=<seed> reproduces it).
const settings = { numRuns: runs, seed, endOnFailure: true };

describe(`fuzz (seed ${seed}, ${runs} runs each)`, () => {
  it.each(endpoints)("$id answers hostile input without a 5xx, with and without a token", async ({ id, endpoint }) => {
    const arbitrary = fc.tuple(inputs(endpoint.input, ids, { maxDepth: 200, hugeStrings: true }), transports, fc.boolean());
    await fc.assert(
      fc.asyncProperty(arbitrary, async ([input, transport, withToken]) => {
        await send(endpoint, input, transport, withToken && !selfEnding.has(id) ? user.token : undefined);
      }),
      settings,
    );
  });

  it.each(Object.keys(clientEvents))("socket event %s is always acknowledged, never with INTERNAL_ERROR", async (event) => {
    const schema = clientEvents[event as keyof typeof clientEvents].payload;
    const socket: Socket = await connect(server, user.token);
    try {
      // socket.io-client walks a payload recursively before sending it: deep nesting here stays moderate
      // (input-hardening.test.ts sends deeper payloads as raw packets).
      const arbitrary = inputs(schema, ids, { maxDepth: 200, hugeStrings: false });
      await fc.assert(
        fc.asyncProperty(arbitrary, async (payload) => {
          const answer = await emitAck<Record<string, unknown> | unknown[]>(socket, event, payload);
          expect(answer, event).toBeTypeOf("object");
          if (answer && !Array.isArray(answer) && "code" in answer) {
            expect(answer.code, JSON.stringify(answer)).not.toBe("INTERNAL_ERROR");
            expect(typeof answer.error).toBe("string");
          }
        }),
        settings,
      );
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
    }
  });

  it("the server still serves afterwards: health, a normal send", async () => {
    expect((await api(server, "GET", "/health")).status).toBe(200);
    // Fresh users: the fuzzing may well have unfriended its own friend.
    const [sender, receiver] = [await registerUser(server, "after"), await registerUser(server, "receiver")];
    await befriend(server, sender, receiver);
    const socket = await connect(server, sender.token);
    try {
      expect(await emitAck(socket, "sendDM", { toId: receiver.id, content: "still here" })).toMatchObject({ content: "still here" });
    } finally {
      socket.close();
    }
  });
});
