import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, HestiaError } from "../src/index";
import { makeFriends, signUp } from "./setup";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe("friends", () => {
  it("requests, lists, accepts, declines, cancels and removes", async () => {
    const [alice, bob, carol] = await Promise.all([signUp(server), signUp(server), signUp(server)]);
    expect(await alice.client.friends.request(bob.id)).toEqual({ success: true });
    expect((await alice.client.friends.outgoing()).map((user) => user.id)).toEqual([bob.id]);
    const incoming = await bob.client.friends.requests();
    expect(incoming).toEqual([expect.objectContaining({ id: alice.id, username: alice.username, requestedAt: expect.any(String) })]);
    await bob.client.friends.accept(alice.id);
    expect((await alice.client.friends.list()).map((user) => user.id)).toEqual([bob.id]);
    expect((await bob.client.friends.list()).map((user) => user.id)).toEqual([alice.id]);

    await carol.client.friends.request(alice.id);
    await alice.client.friends.decline(carol.id);
    expect(await alice.client.friends.requests()).toEqual([]);
    await carol.client.friends.request(bob.id);
    await carol.client.friends.cancel(bob.id);
    expect(await bob.client.friends.requests()).toEqual([]);

    await alice.client.friends.remove(bob.id);
    expect(await bob.client.friends.list()).toEqual([]);
  });

  it("maps failures to HestiaError codes", async () => {
    const [alice, bob] = await Promise.all([signUp(server), signUp(server)]);
    await expect(alice.client.friends.request(alice.id)).rejects.toMatchObject({ status: 400, code: "BAD_REQUEST" });
    await expect(alice.client.friends.accept(bob.id)).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
    await makeFriends(alice, bob);
    await expect(alice.client.friends.request(bob.id)).rejects.toMatchObject({ status: 409, code: "ALREADY_FRIENDS" });
  });
});

describe("groups", () => {
  it("creates, lists, reads, updates, manages members and deletes", async () => {
    const [owner, friend] = await Promise.all([signUp(server), signUp(server)]);
    await makeFriends(owner, friend);
    const group = await owner.client.groups.create({ name: "Book club", description: "Monthly" });
    expect(group).toMatchObject({ name: "Book club", description: "Monthly", role: "OWNER", memberCount: 1, isPrivate: false });
    expect(await owner.client.groups.addMember(group.id, friend.id)).toMatchObject({
      groupId: group.id,
      userId: friend.id,
      role: "MEMBER",
    });
    expect((await friend.client.groups.list()).map((g) => [g.id, g.role])).toEqual([[group.id, "MEMBER"]]);
    expect((await owner.client.groups.setRole(group.id, friend.id, "ADMIN")).role).toBe("ADMIN");
    const updated = await friend.client.groups.update(group.id, { name: "Book club (fiction)", isPrivate: true });
    expect(updated).toMatchObject({ name: "Book club (fiction)", isPrivate: true, role: "ADMIN", memberCount: 2 });
    const details = await owner.client.groups.get(group.id);
    expect(details.members.map((member) => [member.id, member.role])).toEqual(
      expect.arrayContaining([
        [owner.id, "OWNER"],
        [friend.id, "ADMIN"],
      ]),
    );
    await friend.client.groups.removeMember(group.id, friend.id);
    await expect(friend.client.groups.get(group.id)).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
    await expect(owner.client.groups.remove(group.id)).resolves.toBeUndefined();
    await expect(owner.client.groups.get(group.id)).rejects.toMatchObject({ status: 404 });
  });

  it("sends and pages messages", async () => {
    const { client } = await signUp(server);
    const group = await client.groups.create({ name: "Notes" });
    const sent = [];
    for (let i = 1; i <= 5; i += 1) sent.push(await client.groups.sendMessage(group.id, { content: `note ${i}` }));
    expect(sent.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await client.groups.messages(group.id)).map((message) => message.content)).toEqual(sent.map((m) => m.content));
    expect((await client.groups.messages(group.id, { limit: 2 })).map((m) => m.seq)).toEqual([4, 5]);
    expect((await client.groups.messages(group.id, { before: sent[2]!.id })).map((m) => m.seq)).toEqual([1, 2]);
    expect((await client.groups.messages(group.id, { after: sent[2]!.id })).map((m) => m.seq)).toEqual([4, 5]);
    const failure = await client.groups.messages(group.id, { before: 1, after: 2 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HestiaError);
    expect(failure).toMatchObject({ status: 400, code: "VALIDATION_ERROR", details: expect.any(Array) });
  });
});

describe("direct messages", () => {
  it("sends to friends and reads history from both sides", async () => {
    const [alice, bob, stranger] = await Promise.all([signUp(server), signUp(server), signUp(server)]);
    await makeFriends(alice, bob);
    const first = await alice.client.dms.send(bob.id, { content: "hi bob" });
    expect(first).toMatchObject({ content: "hi bob", userId: alice.id, recipientId: bob.id, seq: 1, encrypted: false });
    await bob.client.dms.send(alice.id, { content: "hi alice" });
    expect((await bob.client.dms.history(alice.id)).map((m) => m.content)).toEqual(["hi bob", "hi alice"]);
    expect((await alice.client.dms.history(bob.id, { after: first.id })).map((m) => m.content)).toEqual(["hi alice"]);
    await expect(stranger.client.dms.send(alice.id, { content: "hello?" })).rejects.toMatchObject({ status: 403, code: "FORBIDDEN" });
  });

  it("sends carry an idempotency key, so a retried send is stored once", async () => {
    const [alice, bob] = await Promise.all([signUp(server), signUp(server)]);
    await makeFriends(alice, bob);
    const once = await alice.client.dms.send(bob.id, { content: "only once", idempotencyKey: "key-1" });
    const again = await alice.client.dms.send(bob.id, { content: "only once", idempotencyKey: "key-1" });
    expect(again.id).toBe(once.id);
    expect(await bob.client.dms.history(alice.id)).toHaveLength(1);
  });

  it("retries a send that hit a network failure, with the same key", async () => {
    const [alice, bob] = await Promise.all([signUp(server), signUp(server)]);
    await makeFriends(alice, bob);
    const keys: string[] = [];
    let calls = 0;
    // The first attempt reaches the server but its answer is lost on the way back.
    const flaky: typeof fetch = async (input, init) => {
      calls += 1;
      if (init?.body) keys.push(JSON.parse(String(init.body)).idempotencyKey);
      const response = await fetch(input, init);
      if (calls === 1) throw new TypeError("fetch failed");
      return response;
    };
    const client = createClient({ baseUrl: server.url, token: alice.client.token, fetch: flaky, retry: { delayMs: 10 } });
    const message = await client.dms.send(bob.id, { content: "lost answer" });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect((await bob.client.dms.history(alice.id)).map((m) => m.id)).toEqual([message.id]);
  });
});

describe("errors", () => {
  it("reports a non-JSON error answer with its HTTP status", async () => {
    const client = createClient({
      baseUrl: server.url,
      fetch: async () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    });
    await expect(client.health()).rejects.toMatchObject({ status: 502, code: "INTERNAL_ERROR", message: "Bad Gateway" });
  });

  it("fails a request that takes too long with TIMEOUT, and a body cut short with NETWORK_ERROR", async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    await expect(createClient({ baseUrl: server.url, fetch: hanging, timeoutMs: 50 }).health()).rejects.toMatchObject({
      status: 0,
      code: "TIMEOUT",
    });
    const cutShort: typeof fetch = async () =>
      new Response(new ReadableStream({ start: (controller) => controller.error(new TypeError("terminated")) }), { status: 200 });
    await expect(createClient({ baseUrl: server.url, fetch: cutShort }).health()).rejects.toMatchObject({
      status: 0,
      code: "NETWORK_ERROR",
    });
  });

  it("keeps a path prefix of the base URL", async () => {
    const urls: string[] = [];
    const recording: typeof fetch = async (input) => {
      urls.push(String(input));
      return Response.json({ status: "ok" });
    };
    await createClient({ baseUrl: "https://example.com/chat/", fetch: recording }).health();
    expect(urls).toEqual(["https://example.com/chat/health"]);
  });

  it("fails without a token as UNAUTHORIZED", async () => {
    await expect(createClient({ baseUrl: server.url }).friends.list()).rejects.toMatchObject({ status: 401, code: "UNAUTHORIZED" });
  });
});
