import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, connect, emitAck, eventually, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

const TOKEN = "metrics-token-0123456789";

/** The value of one sample of a Prometheus text exposition (0 when absent), matched by name and labels. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return 0;
}

describe("/metrics", () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const scrape = async () => {
    const response = await api(server, "GET", "/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    return response.text;
  };

  beforeAll(async () => {
    server = await startServer({ METRICS_TOKEN: TOKEN, RATE_LIMIT_SENDS: "3/1m" });
    [alice, bob] = [await registerUser(server, "alice"), await registerUser(server, "bob")];
    await befriend(server, alice, bob);
  });
  afterAll(() => server.close());

  it("answers only the bearer of METRICS_TOKEN (401 with the API's error shape otherwise)", async () => {
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer wrong-token-0123456789" }, { authorization: TOKEN }]) {
      const response = await api(server, "GET", "/metrics", { headers });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ code: "UNAUTHORIZED", error: expect.any(String) });
      expect(response.text).not.toContain("hestia_");
    }
  });

  it("counts sockets, sends, deliveries, latencies, group commits, refusals and errors as traffic flows", async () => {
    const before = await scrape();
    expect(sample(before, "hestia_sockets_connected")).toBe(0);
    expect(before).toContain("# TYPE hestia_socket_event_duration_seconds histogram");
    expect(before).toMatch(/^process_resident_memory_bytes \d+/m);

    const aliceSocket = await connect(server, alice.token);
    const bobSocket = await connect(server, bob.token);
    expect(sample(await scrape(), "hestia_sockets_connected")).toBe(2);

    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await emitAck(aliceSocket, "sendDM", { toId: bob.id, content: `hello ${i}` }));
    expect(answers.filter((answer) => answer.code === "RATE_LIMITED")).toHaveLength(2);
    expect((await api(server, "GET", "/users/me", { token: alice.token })).status).toBe(200);
    expect((await api(server, "GET", "/users/me")).status).toBe(401);

    const after = await scrape();
    expect(sample(after, "hestia_messages_sent_total", { kind: "direct" })).toBe(3);
    expect(sample(after, "hestia_deliveries_total", { kind: "directMessage" })).toBe(3);
    expect(sample(after, "hestia_socket_event_duration_seconds_count", { event: "sendDM", code: "ok" })).toBe(3);
    expect(sample(after, "hestia_socket_event_duration_seconds_count", { event: "sendDM", code: "RATE_LIMITED" })).toBe(2);
    expect(sample(after, "hestia_socket_event_duration_seconds_sum", { event: "sendDM", code: "ok" })).toBeGreaterThan(0);
    expect(sample(after, "hestia_rate_limit_refusals_total", { limit: "sends" })).toBe(2);
    expect(sample(after, "hestia_errors_total", { transport: "socket", code: "RATE_LIMITED" })).toBe(2);
    expect(sample(after, "hestia_errors_total", { transport: "rest", code: "UNAUTHORIZED" })).toBe(1);
    expect(sample(after, "hestia_request_duration_seconds_count", { procedure: "users.me", code: "ok" })).toBe(1);
    expect(sample(after, "hestia_request_duration_seconds_count", { procedure: "users.me", code: "UNAUTHORIZED" })).toBe(1);
    // Registration, befriending: REST calls before the first scrape were timed too.
    expect(sample(after, "hestia_request_duration_seconds_count", { procedure: "auth.register", code: "ok" })).toBe(2);
    expect(sample(after, "hestia_request_duration_seconds_count", { procedure: "friends.sendRequest", code: "ok" })).toBe(1);
    // Every stored message went through a group commit, which was timed.
    expect(sample(after, "hestia_db_commit_batch_size_sum")).toBe(3);
    expect(sample(after, "hestia_db_commit_batch_size_count")).toBeGreaterThanOrEqual(1);
    expect(sample(after, "hestia_db_commit_duration_seconds_count")).toBe(sample(after, "hestia_db_commit_batch_size_count"));

    aliceSocket.close();
    bobSocket.close();
    await eventually(async () => expect(sample(await scrape(), "hestia_sockets_connected")).toBe(0));
  });
});

describe("/metrics configuration", () => {
  it("is off by default in production, and on there with METRICS_ENABLED=true (open without a token)", async () => {
    const off = await startServer({ NODE_ENV: "production" });
    try {
      expect((await api(off, "GET", "/metrics")).status).toBe(404);
    } finally {
      await off.close();
    }
    const on = await startServer({ NODE_ENV: "production", METRICS_ENABLED: "true" });
    try {
      const response = await api(on, "GET", "/metrics");
      expect(response.status).toBe(200);
      expect(response.text).toContain("# TYPE hestia_sockets_connected gauge");
    } finally {
      await on.close();
    }
  });
});
