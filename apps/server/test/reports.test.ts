import { REPORTS_PER_HOUR } from "@hestia/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, grantAdmin } from "./admin-cli";
import { type ApiResponse, api, befriend, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

let server: TestServer;
let admin: TestUser;
beforeAll(async () => {
  server = await startServer();
  admin = await registerUser(server, "admin");
  await grantAdmin(cliEnv(server), admin.username);
});
afterAll(() => server.close());

const report = (by: TestUser, body: unknown) => api(server, "POST", "/reports", { token: by.token, body });
const dm = async (from: TestUser, to: TestUser, content: string) => {
  const response = await api(server, "POST", `/messages/direct/${to.id}`, { token: from.token, body: { content } });
  expect(response.status).toBe(201);
  return response.body as { id: number; conversationId: number };
};

/** Every report in the admins' queue (all pages). */
async function queue(): Promise<{ id: number; [key: string]: unknown }[]> {
  const items = [];
  let cursor: string | null = null;
  do {
    const page: ApiResponse = await api(server, "GET", `/admin/reports?limit=100${cursor ? `&cursor=${cursor}` : ""}`, {
      token: admin.token,
    });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

describe("reports", () => {
  it("reports a message of one's conversation: 201 with an id; admins see the message's text and sender", async () => {
    const [alice, bob] = await Promise.all([registerUser(server), registerUser(server)]);
    await befriend(server, alice, bob);
    const message = await dm(bob, alice, "buy cheap watches");
    const response = await report(alice, { messageId: message.id, reason: "spam", note: "  third time today  " });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.any(Number) });
    expect((await queue()).find((item) => item.id === response.body.id)).toEqual({
      id: response.body.id,
      reporterId: alice.id,
      userId: bob.id,
      messageId: message.id,
      messageContent: "buy cheap watches",
      reason: "spam",
      note: "third time today",
      status: "open",
      createdAt: expect.any(String),
      resolvedAt: null,
      resolvedById: null,
      resolution: null,
    });
  });

  it("answers 404 for a message of a conversation you are not in, exactly as for one that does not exist", async () => {
    const [alice, bob, outsider] = await Promise.all([registerUser(server), registerUser(server), registerUser(server)]);
    await befriend(server, alice, bob);
    const message = await dm(alice, bob, "between us");
    const invisible = await report(outsider, { messageId: message.id, reason: "abuse" });
    const missing = await report(outsider, { messageId: 2_000_000_000, reason: "abuse" });
    expect(invisible.status).toBe(404);
    expect(invisible.body).toEqual(missing.body);
    expect(invisible.body.code).toBe("NOT_FOUND");
  });

  it("reports any user; never yourself, your own message, or a message with someone else named as its sender", async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(server), registerUser(server), registerUser(server)]);
    await befriend(server, alice, bob);
    const fromBob = await dm(bob, alice, "hello");
    const fromAlice = await dm(alice, bob, "hi");

    const user = await report(alice, { userId: carol.id, reason: "other" });
    expect(user.status).toBe(201);
    expect((await queue()).find((item) => item.id === user.body.id)).toMatchObject({
      userId: carol.id,
      messageId: null,
      messageContent: null,
    });
    expect((await report(alice, { messageId: fromBob.id, userId: bob.id, reason: "abuse" })).status).toBe(201);

    for (const body of [
      { userId: alice.id, reason: "spam" },
      { messageId: fromAlice.id, reason: "spam" },
      { messageId: fromBob.id, userId: carol.id, reason: "spam" },
    ]) {
      const refused = await report(alice, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.code).toBe("BAD_REQUEST");
    }
    const unknown = await report(alice, { userId: 2_000_000_000, reason: "spam" });
    expect(unknown.status).toBe(404);
  });

  it("validates the body: something to report, a known reason, a note of at most 1000 characters", async () => {
    const [alice, bob] = await Promise.all([registerUser(server), registerUser(server)]);
    for (const body of [
      { reason: "spam" },
      { userId: bob.id },
      { userId: bob.id, reason: "rude" },
      { userId: bob.id, reason: "spam", note: "x".repeat(1001) },
      { userId: "bob", reason: "spam" },
    ]) {
      const response = await report(alice, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.code).toBe("VALIDATION_ERROR");
    }
    expect((await api(server, "POST", "/reports", { body: { userId: bob.id, reason: "spam" } })).status).toBe(401);
  });

  it("answers the open report again for a repeat; once it is resolved, a new report is a new one", async () => {
    const [alice, bob] = await Promise.all([registerUser(server), registerUser(server)]);
    const first = await report(alice, { userId: bob.id, reason: "abuse" });
    const again = await report(alice, { userId: bob.id, reason: "spam", note: "still at it" });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    // Someone else's report of the same user is theirs.
    const carol = await registerUser(server);
    expect((await report(carol, { userId: bob.id, reason: "abuse" })).body.id).not.toBe(first.body.id);

    expect((await api(server, "POST", `/admin/reports/${first.body.id}/resolve`, { token: admin.token, body: {} })).status).toBe(200);
    const later = await report(alice, { userId: bob.id, reason: "abuse" });
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
  });

  it(`allows ${REPORTS_PER_HOUR} new reports an hour, then 429 with Retry-After; repeats do not count`, async () => {
    const [alice, bob] = await Promise.all([registerUser(server), registerUser(server)]);
    await befriend(server, alice, bob);
    const messages = [];
    for (let i = 0; i <= REPORTS_PER_HOUR; i++) messages.push(await dm(bob, alice, `spam ${i}`));
    const first = await report(alice, { messageId: messages[0]!.id, reason: "spam" });
    for (let i = 1; i < REPORTS_PER_HOUR; i++) {
      expect((await report(alice, { messageId: messages[i]!.id, reason: "spam" })).status).toBe(201);
    }
    expect((await report(alice, { messageId: messages[0]!.id, reason: "spam" })).body.id).toBe(first.body.id);
    const over = await report(alice, { messageId: messages[REPORTS_PER_HOUR]!.id, reason: "spam" });
    expect(over.status).toBe(429);
    expect(over.body.code).toBe("RATE_LIMITED");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
