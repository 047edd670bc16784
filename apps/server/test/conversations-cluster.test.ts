import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { on, twoProcessesWithRedis } from "./cluster-setup";
import { api, befriend, connect, emitAck, eventually, redisForTests, registerUser } from "./helpers";

const redisUrl = await redisForTests();

function next(socket: Socket, event: string, matches: (payload: any) => boolean = () => true): Promise<any> {
  return new Promise((resolve) => {
    const listener = (payload: any) => {
      if (!matches(payload)) return;
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Typing, read state and receipts reach sockets on another process (Redis adapter), and settings changed on one apply on the other. */
describe.skipIf(!redisUrl)("the inbox across two processes", () => {
  const cluster = twoProcessesWithRedis(redisUrl, { TYPING_TIMEOUT_MS: "10000" });

  it("typing, readState and receipts cross processes; read-receipt settings apply on both", async () => {
    const [alice, bob] = await Promise.all([registerUser(on(cluster.first), "alice"), registerUser(on(cluster.first), "bob")]);
    await befriend(on(cluster.first), alice, bob);
    const sent = await api(on(cluster.first), "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "hi" } });
    const id = sent.body.conversationId;
    const aliceSocket = await connect(on(cluster.first), alice.token);
    const [bobPhone, bobLaptop] = await Promise.all([connect(on(cluster.second), bob.token), connect(on(cluster.first), bob.token)]);

    const typing = next(bobPhone, "typing");
    const typedAt = Date.now();
    await emitAck(aliceSocket, "typing", { conversationId: id, typing: true });
    expect(await typing).toEqual({ conversationId: id, userId: alice.id, typing: true, expiresInMs: 10_000 });
    // Alice's last socket closes on the other process: her typing state (kept on the first) ends too.
    const aliceElsewhere = await connect(on(cluster.second), alice.token);
    const stopped = next(bobPhone, "typing", (event) => !event.typing);
    await eventually(async () => expect(await cluster.namespace.presenceSockets(alice.id)).toBe(2));
    aliceSocket.close();
    await eventually(async () => expect(await cluster.namespace.presenceSockets(alice.id)).toBe(1));
    aliceElsewhere.close();
    expect(await stopped).toEqual({ conversationId: id, userId: alice.id, typing: false, expiresInMs: 0 });
    // Ended by the disconnect, not by expiring.
    expect(Date.now() - typedAt).toBeLessThan(9_000);

    const aliceAgain = await connect(on(cluster.first), alice.token);
    const onLaptop = next(bobLaptop, "readState");
    const receipt = next(aliceAgain, "receipt");
    expect(await emitAck(bobPhone, "markRead", { conversationId: id, seq: 1 })).toEqual({ readSeq: 1, unreadCount: 0 });
    expect(await onLaptop).toEqual({ conversationId: id, readSeq: 1, unreadCount: 0 });
    expect(await receipt).toEqual({ conversationId: id, userId: bob.id, readSeq: 1, deliveredSeq: 1 });

    // Bob turns read receipts off through the first process; the second one (where he reads) knows at once.
    await api(on(cluster.first), "PATCH", "/users/settings", { token: bob.token, body: { readReceipts: false } });
    await api(on(cluster.first), "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "again" } });
    const hidden = next(aliceAgain, "receipt");
    await emitAck(bobPhone, "markRead", { conversationId: id, seq: 2 });
    expect(await hidden).toEqual({ conversationId: id, userId: bob.id, readSeq: null, deliveredSeq: 2 });
    for (const socket of [aliceAgain, bobPhone, bobLaptop]) socket.close();
  });
});
