import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  befriend,
  connect,
  createDeployment,
  type Deployment,
  emitAck,
  eventually,
  redisForTests,
  redisNamespace,
  registerUser,
  type ServerProcess,
  startServerProcess,
  type TestServer,
} from "./helpers";

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
  const namespace = redisNamespace(redisUrl ?? "redis://unused");
  let deployment: Deployment;
  let first: ServerProcess;
  let second: ServerProcess;
  const on = (process: ServerProcess) => ({ url: process.url }) as TestServer;

  beforeAll(async () => {
    deployment = createDeployment({ REDIS_URL: redisUrl ?? "", REDIS_PREFIX: namespace.prefix, TYPING_TIMEOUT_MS: "10000" });
    [first, second] = await Promise.all([startServerProcess(deployment), startServerProcess(deployment)]);
  });
  afterAll(async () => {
    await Promise.all([first?.kill("SIGKILL"), second?.kill("SIGKILL")]);
    await deployment?.drop();
    await namespace.drop();
  });

  it("typing, readState and receipts cross processes; read-receipt settings apply on both", async () => {
    const [alice, bob] = await Promise.all([registerUser(on(first), "alice"), registerUser(on(first), "bob")]);
    await befriend(on(first), alice, bob);
    const sent = await api(on(first), "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "hi" } });
    const id = sent.body.conversationId;
    const aliceSocket = await connect(on(first), alice.token);
    const [bobPhone, bobLaptop] = await Promise.all([connect(on(second), bob.token), connect(on(first), bob.token)]);

    const typing = next(bobPhone, "typing");
    const typedAt = Date.now();
    await emitAck(aliceSocket, "typing", { conversationId: id, typing: true });
    expect(await typing).toEqual({ conversationId: id, userId: alice.id, typing: true, expiresInMs: 10_000 });
    // Alice's last socket closes on the other process: her typing state (kept on the first) ends too.
    const aliceElsewhere = await connect(on(second), alice.token);
    const stopped = next(bobPhone, "typing", (event) => !event.typing);
    await eventually(async () => expect(await namespace.presenceSockets(alice.id)).toBe(2));
    aliceSocket.close();
    await eventually(async () => expect(await namespace.presenceSockets(alice.id)).toBe(1));
    aliceElsewhere.close();
    expect(await stopped).toEqual({ conversationId: id, userId: alice.id, typing: false, expiresInMs: 0 });
    // Ended by the disconnect, not by expiring.
    expect(Date.now() - typedAt).toBeLessThan(9_000);

    const aliceAgain = await connect(on(first), alice.token);
    const onLaptop = next(bobLaptop, "readState");
    const receipt = next(aliceAgain, "receipt");
    expect(await emitAck(bobPhone, "markRead", { conversationId: id, seq: 1 })).toEqual({ readSeq: 1, unreadCount: 0 });
    expect(await onLaptop).toEqual({ conversationId: id, readSeq: 1, unreadCount: 0 });
    expect(await receipt).toEqual({ conversationId: id, userId: bob.id, readSeq: 1, deliveredSeq: 1 });

    // Bob turns read receipts off through the first process; the second one (where he reads) knows at once.
    await api(on(first), "PATCH", "/users/settings", { token: bob.token, body: { readReceipts: false } });
    await api(on(first), "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "again" } });
    const hidden = next(aliceAgain, "receipt");
    await emitAck(bobPhone, "markRead", { conversationId: id, seq: 2 });
    expect(await hidden).toEqual({ conversationId: id, userId: bob.id, readSeq: null, deliveredSeq: 2 });
    for (const socket of [aliceAgain, bobPhone, bobLaptop]) socket.close();
  });
});
