import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, connect, emitAck, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

/** The message path under concurrency: bursts on one socket, many senders at once, group commit. */
describe("message path", () => {
  let server: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let groupId: number;

  beforeAll(async () => {
    server = await startServer();
    owner = await registerUser(server, "owner");
    member = await registerUser(server, "member");
    await befriend(server, owner, member);
    groupId = (await api(server, "POST", "/groups", { token: owner.token, body: { name: "Burst" } })).body.id;
    expect((await api(server, "POST", `/groups/${groupId}/members/${member.id}`, { token: owner.token })).status).toBe(200);
  });
  afterAll(() => server.close());

  it("answers a burst of 1,000 concurrent joinGroup events on one socket, none with INTERNAL_ERROR", async () => {
    const socket = await connect(server, member.token);
    const other = (await api(server, "POST", "/groups", { token: owner.token, body: { name: "Not yours" } })).body.id;
    const acks = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => emitAck(socket, "joinGroup", { groupId: i % 10 ? groupId : other })),
    );
    expect(acks.filter((ack) => ack.ok === true)).toHaveLength(900);
    expect(acks.filter((ack) => ack.code === "NOT_FOUND")).toHaveLength(100);
    socket.close();
  });

  it("stores concurrent sends of many senders once each, with seqs 1..n in each conversation", async () => {
    const senders = await Promise.all(Array.from({ length: 8 }, () => registerUser(server, "sender")));
    const receiver = await registerUser(server, "receiver");
    await Promise.all(senders.map((sender) => befriend(server, sender, receiver)));
    const sockets = await Promise.all(senders.map((sender) => connect(server, sender.token)));
    const perSender = 25;
    const acks = await Promise.all(
      sockets.flatMap((socket, s) =>
        Array.from({ length: perSender }, (_, i) => emitAck(socket, "sendDM", { toId: receiver.id, content: `s${s} m${i}` })),
      ),
    );
    expect(acks.every((ack) => typeof ack.id === "number")).toBe(true);
    for (const [s, socket] of sockets.entries()) {
      const mine = acks.filter((ack) => ack.content.startsWith(`s${s} `));
      // Each sender's conversation numbers its messages 1..n, in the order they were sent.
      expect(mine.map((ack) => ack.seq)).toEqual(Array.from({ length: perSender }, (_, i) => i + 1));
      expect(mine.map((ack) => ack.content)).toEqual(Array.from({ length: perSender }, (_, i) => `s${s} m${i}`));
      socket.close();
    }
  });

  it("fails only the message of a batch that cannot be stored", async () => {
    const alice = await registerUser(server, "alice");
    const bob = await registerUser(server, "bob");
    const carol = await registerUser(server, "carol");
    await befriend(server, alice, bob);
    await befriend(server, alice, carol);
    // One socket's sends are handled one after another; three sockets' sends share a batch.
    const sockets = await Promise.all([1, 2, 3].map(() => connect(server, alice.token)));
    const [one, two, three] = sockets as [(typeof sockets)[0], (typeof sockets)[0], (typeof sockets)[0]];
    const first = await emitAck(one, "sendDM", { toId: bob.id, content: "keyed", idempotencyKey: "shared-key" });
    expect(first.seq).toBe(1);
    // The key is already taken in another conversation; the other two messages of the batch are unaffected.
    const [reused, fine, repeat] = await Promise.all([
      emitAck(one, "sendDM", { toId: carol.id, content: "reused key", idempotencyKey: "shared-key" }),
      emitAck(two, "sendDM", { toId: carol.id, content: "fine" }),
      emitAck(three, "sendDM", { toId: bob.id, content: "keyed", idempotencyKey: "shared-key" }),
    ]);
    expect(reused.code).toBe("CONFLICT");
    expect(fine).toMatchObject({ content: "fine", seq: 1 });
    expect(repeat).toEqual(first);
    const history = await api(server, "GET", `/messages/direct/${carol.id}`, { token: alice.token });
    expect(history.body.map((message: { content: string }) => message.content)).toEqual(["fine"]);
    for (const socket of sockets) socket.close();
  });
});
