import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, collect, connect, emitAck, registerUser, roundTrip, startServer, type TestServer, type TestUser } from "./helpers";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const setReceipts = async (user: TestUser, readReceipts: boolean) => {
  const response = await api(server, "PATCH", "/users/settings", { token: user.token, body: { readReceipts } });
  expect(response.body).toEqual({ readReceipts });
};

/** Resolves once `socket` got a receipt matching `matches`. */
function receipt(socket: Socket, matches: (payload: any) => boolean) {
  return new Promise<any>((resolve) => {
    const listener = (payload: any) => {
      if (!matches(payload)) return;
      socket.off("receipt", listener);
      resolve(payload);
    };
    socket.on("receipt", listener);
  });
}

describe("the read-receipts setting", () => {
  it("is on by default, and can be read and changed", async () => {
    const user = await registerUser(server);
    expect((await api(server, "GET", "/users/settings", { token: user.token })).body).toEqual({ readReceipts: true });
    await setReceipts(user, false);
    expect((await api(server, "GET", "/users/settings", { token: user.token })).body).toEqual({ readReceipts: false });
    expect((await api(server, "PATCH", "/users/settings", { token: user.token, body: { readReceipts: "no" } })).body.code).toBe(
      "VALIDATION_ERROR",
    );
  });

  it("off: others see your readSeq as null and get no receipt for your reads, but delivery still shows", async () => {
    const [alice, bob] = await Promise.all([registerUser(server, "alice"), registerUser(server, "bob")]);
    await befriend(server, alice, bob);
    await setReceipts(bob, false);
    const message = (await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "hi" } })).body;
    const id = message.conversationId;
    const [aliceSocket, bobSocket] = await Promise.all([connect(server, alice.token), connect(server, bob.token)]);
    const received = collect(aliceSocket, "receipt");

    // A read that also delivers: the delivery is shown, the read is not.
    expect(await emitAck(bobSocket, "markRead", { conversationId: id, seq: 1 })).toEqual({ readSeq: 1, unreadCount: 0 });
    expect(await receipt(aliceSocket, () => true)).toEqual({ conversationId: id, userId: bob.id, readSeq: null, deliveredSeq: 1 });
    // Then a read of what was already delivered: nothing at all, shown by a later delivery arriving first.
    await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "two" } });
    await emitAck(bobSocket, "markDelivered", { conversationId: id, seq: 2 });
    await receipt(aliceSocket, (r) => r.deliveredSeq === 2);
    await emitAck(bobSocket, "markRead", { conversationId: id, seq: 2 });
    await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "three" } });
    await emitAck(bobSocket, "markDelivered", { conversationId: id, seq: 3 });
    await receipt(aliceSocket, (r) => r.deliveredSeq === 3);
    expect(received.map((r) => [r.readSeq, r.deliveredSeq])).toEqual([
      [null, 1],
      [null, 2],
      [null, 3],
    ]);
    expect((await api(server, "GET", `/conversations/${id}/receipts`, { token: alice.token })).body).toEqual([
      { userId: bob.id, readSeq: null, deliveredSeq: 3 },
    ]);
    // Bob's own count still works.
    expect((await api(server, "GET", `/conversations/${id}`, { token: bob.token })).body).toMatchObject({ readSeq: 2, unreadCount: 1 });

    // Off also means seeing no read receipts of others.
    const toBob = collect(bobSocket, "receipt");
    await api(server, "POST", `/messages/direct/${alice.id}`, { token: bob.token, body: { content: "reply" } });
    await emitAck(aliceSocket, "markDelivered", { conversationId: id, seq: 4 });
    await emitAck(aliceSocket, "markRead", { conversationId: id, seq: 4 });
    await api(server, "POST", `/messages/direct/${alice.id}`, { token: bob.token, body: { content: "again" } });
    await emitAck(aliceSocket, "markDelivered", { conversationId: id, seq: 5 });
    await receipt(bobSocket, (r) => r.deliveredSeq === 5);
    await roundTrip(bobSocket);
    expect(toBob.map((r) => [r.readSeq, r.deliveredSeq])).toEqual([
      [null, 4],
      [null, 5],
    ]);
    expect((await api(server, "GET", `/conversations/${id}/receipts`, { token: bob.token })).body).toEqual([
      { userId: alice.id, readSeq: null, deliveredSeq: 5 },
    ]);

    // Back on: reads show again (bob's own messages moved his cursor to 5).
    await setReceipts(bob, true);
    await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "six" } });
    await emitAck(bobSocket, "markRead", { conversationId: id, seq: 6 });
    expect(await receipt(aliceSocket, (r) => r.readSeq === 6)).toEqual({ conversationId: id, userId: bob.id, readSeq: 6, deliveredSeq: 6 });
    aliceSocket.close();
    bobSocket.close();
  });

  it("in groups, members who turned it off get receipts without the read", async () => {
    const owner = await registerUser(server, "owner");
    const [ann, shy] = await Promise.all([registerUser(server, "ann"), registerUser(server, "shy")]);
    const groupId = (await api(server, "POST", "/groups", { token: owner.token, body: { name: "G" } })).body.id;
    for (const member of [ann, shy]) {
      await befriend(server, owner, member);
      await api(server, "POST", `/groups/${groupId}/members/${member.id}`, { token: owner.token });
    }
    await setReceipts(shy, false);
    await api(server, "POST", `/groups/${groupId}/messages`, { token: owner.token, body: { content: "x" } });
    const [ownerSocket, annSocket, shySocket] = await Promise.all([
      connect(server, owner.token),
      connect(server, ann.token),
      connect(server, shy.token),
    ]);
    for (const socket of [ownerSocket, annSocket, shySocket]) await emitAck(socket, "joinGroup", { groupId });
    const toOwner = receipt(ownerSocket, () => true);
    const toShy = receipt(shySocket, () => true);
    await emitAck(annSocket, "markRead", { conversationId: groupId, seq: 1 });
    expect(await toOwner).toEqual({ conversationId: groupId, userId: ann.id, readSeq: 1, deliveredSeq: 1 });
    expect(await toShy).toEqual({ conversationId: groupId, userId: ann.id, readSeq: null, deliveredSeq: 1 });
    for (const socket of [ownerSocket, annSocket, shySocket]) socket.close();
  });
});
