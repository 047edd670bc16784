import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeFriends, signUp } from "./setup";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe("safety", () => {
  it("blocks and unblocks; the block ends the friendship and shows in the paged list", async () => {
    const [alice, bob, carol] = await Promise.all([signUp(server), signUp(server), signUp(server)]);
    await makeFriends(alice, bob);
    expect(await alice.client.safety.block(bob.id)).toEqual({ success: true });
    await alice.client.safety.block(carol.id);
    expect(await alice.client.friends.list()).toEqual([]);
    await expect(bob.client.friends.request(alice.id)).rejects.toMatchObject({ status: 403, code: "FORBIDDEN" });
    await expect(bob.client.dms.send(alice.id, { content: "hi" })).rejects.toMatchObject({ status: 403, code: "FORBIDDEN" });

    const first = await alice.client.safety.listBlocked({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.items[0]).toMatchObject({ username: expect.any(String), blockedAt: expect.any(String) });
    const second = await alice.client.safety.listBlocked({ limit: 1, cursor: first.nextCursor ?? undefined });
    expect([...first.items, ...second.items].map((user) => user.id).sort()).toEqual([bob.id, carol.id].sort());
    expect(second.nextCursor).toBeNull();

    await alice.client.safety.unblock(bob.id);
    expect((await alice.client.safety.listBlocked()).items.map((user) => user.id)).toEqual([carol.id]);
    await expect(alice.client.safety.block(alice.id)).rejects.toMatchObject({ status: 400, code: "BAD_REQUEST" });
  });

  it("reports a message or a user, and answers 404 for a message you cannot see", async () => {
    const [alice, bob, outsider] = await Promise.all([signUp(server), signUp(server), signUp(server)]);
    await makeFriends(alice, bob);
    const message = await bob.client.dms.send(alice.id, { content: "rude words" });
    const report = await alice.client.safety.report({ messageId: message.id, reason: "abuse", note: "see above" });
    expect(report).toEqual({ id: expect.any(Number) });
    expect(await alice.client.safety.report({ messageId: message.id, reason: "abuse" })).toEqual(report);
    expect(await alice.client.safety.report({ userId: outsider.id, reason: "spam" })).toEqual({ id: expect.any(Number) });
    await expect(outsider.client.safety.report({ messageId: message.id, reason: "spam" })).rejects.toMatchObject({
      status: 404,
      code: "NOT_FOUND",
    });
  });

  it("exports your data, typed", async () => {
    const [alice, bob] = await Promise.all([signUp(server), signUp(server)]);
    await makeFriends(alice, bob);
    await alice.client.dms.send(bob.id, { content: "for the record" });
    const data = await alice.client.safety.exportData();
    expect(data.profile.id).toBe(alice.id);
    expect(data.friends.map((friend) => friend.id)).toEqual([bob.id]);
    expect(data.messages.map((message) => message.content)).toEqual(["for the record"]);
    expect(data.sessions).toHaveLength(1);
  });
});
