import {
  createDeployment,
  type Deployment,
  redisForTests,
  redisNamespace,
  type ServerProcess,
  startBalancer,
  startServerProcess,
} from "@hestia/server/testing";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createClient, type Message, type Presence } from "../src/index";
import { makeFriends, type SignedIn, signUp } from "./setup";

const redisUrl = await redisForTests();

/** Several server processes on one database and one Redis, as in production. */
describe.skipIf(!redisUrl)("two server processes sharing one database and Redis", () => {
  const namespace = redisNamespace(redisUrl ?? "redis://unused");
  let deployment: Deployment;
  let first: ServerProcess;
  let second: ServerProcess;
  const clients: SignedIn[] = [];

  beforeAll(async () => {
    deployment = createDeployment({
      REDIS_URL: redisUrl!,
      REDIS_PREFIX: namespace.prefix,
      AUTH_RATE_LIMIT_PER_USERNAME: "4",
      PRESENCE_TTL_SECONDS: "3",
    });
    [first, second] = await Promise.all([startServerProcess(deployment), startServerProcess(deployment)]);
  });
  afterAll(async () => {
    // What the servers logged as errors, to explain a failure.
    for (const process of [first, second]) {
      const errors = process
        ?.output()
        .split("\n")
        .filter((line) => line.includes('"level":50'));
      if (errors?.length) console.error(errors.slice(0, 5).join("\n"));
    }
    for (const { client } of clients) client.realtime.disconnect();
    await Promise.all([first?.kill("SIGKILL"), second?.kill("SIGKILL")]);
    await deployment?.drop();
    await namespace.drop();
  });

  /** A user whose client talks to one process (REST and realtime). */
  async function userOn(process: { url: string }, prefix: string, connected = true): Promise<SignedIn> {
    const user = await signUp(process, prefix);
    clients.push(user);
    if (connected) await user.client.realtime.connect();
    return user;
  }

  const seqs = (messages: Message[]) => messages.map((message) => message.seq);
  const ids = (messages: Message[]) => messages.map((message) => message.id);
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it("delivers DMs and group messages across processes exactly once, in seq order", async () => {
    const [alice, carol] = await Promise.all([userOn(first, "alice"), userOn(first, "carol")]);
    const [bob, dave] = await Promise.all([userOn(second, "bob"), userOn(second, "dave")]);
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol), makeFriends(alice, dave)]);
    const group = await alice.client.groups.create({ name: "Across" });
    for (const member of [bob, carol, dave]) await alice.client.groups.addMember(group.id, member.id);
    await Promise.all([alice, bob, carol, dave].map((user) => user.client.realtime.joinGroup(group.id)));

    // A raw socket.io client on each process counts what the servers emit, with nothing deduplicated.
    const raw = await Promise.all(
      [
        [first, carol],
        [second, bob],
      ].map(async ([process, user]) => {
        const socket = io((process as ServerProcess).url, { auth: { token: (user as SignedIn).client.token }, transports: ["websocket"] });
        await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
        const seen: Message[] = [];
        socket.on("newGroupMessage", (message: Message) => seen.push(message));
        socket.on("newDM", (message: Message) => seen.push(message));
        expect(await socket.emitWithAck("joinGroup", { groupId: group.id })).toEqual({ ok: true });
        return { socket, seen };
      }),
    );

    const received = new Map<number, { dms: Message[]; group: Message[] }>();
    for (const user of [alice, bob, carol, dave]) {
      const box = { dms: [] as Message[], group: [] as Message[] };
      received.set(user.id, box);
      user.client.realtime.on("newDM", (message) => box.dms.push(message));
      user.client.realtime.on("newGroupMessage", (message) => box.group.push(message));
    }

    const n = 15;
    await Promise.all([
      ...upTo(n).map((i) => alice.client.realtime.sendDM({ toId: bob.id, content: `a→b ${i}` })),
      ...upTo(n).map((i) => bob.client.realtime.sendDM({ toId: alice.id, content: `b→a ${i}` })),
      ...[alice, bob, carol, dave].flatMap((user) =>
        upTo(n).map((i) => user.client.realtime.sendGroupMessage({ groupId: group.id, content: `${user.username} ${i}` })),
      ),
    ]);

    await vi.waitFor(
      () => {
        for (const user of [alice, bob])
          expect(
            received.get(user.id)!.dms.map((m) => `${m.seq}:${m.content}`),
            user.username,
          ).toHaveLength(2 * n);
        for (const user of [alice, bob, carol, dave]) expect(received.get(user.id)!.group).toHaveLength(4 * n);
      },
      { timeout: 15_000 },
    );
    for (const user of [alice, bob]) expect(seqs(received.get(user.id)!.dms)).toEqual(upTo(2 * n));
    for (const user of [alice, bob, carol, dave]) expect(seqs(received.get(user.id)!.group)).toEqual(upTo(4 * n));
    // Each sender's messages in the order they were sent.
    const fromAlice = received
      .get(bob.id)!
      .dms.filter((message) => message.userId === alice.id)
      .map((message) => message.content);
    expect(fromAlice).toEqual(upTo(n).map((i) => `a→b ${i}`));

    // What the servers emitted: every group message once to carol's socket on the first process, and to
    // bob's on the second every group message and every DM of his once. Barriers sent through each process
    // come after anything either process emitted before: once they arrived, nothing earlier is on its way.
    const barriers = await Promise.all([
      alice.client.realtime.sendGroupMessage({ groupId: group.id, content: "barrier from the first process" }),
      dave.client.realtime.sendGroupMessage({ groupId: group.id, content: "barrier from the second process" }),
      alice.client.realtime.sendDM({ toId: bob.id, content: "barrier from the first process" }),
      bob.client.realtime.sendDM({ toId: alice.id, content: "barrier from the second process" }),
    ]);
    await vi.waitFor(() => {
      expect(ids(raw[0]!.seen)).toEqual(expect.arrayContaining(ids(barriers.slice(0, 2))));
      expect(ids(raw[1]!.seen)).toEqual(expect.arrayContaining(ids(barriers)));
    });
    expect(new Set(ids(raw[0]!.seen)).size).toBe(raw[0]!.seen.length);
    expect(raw[0]!.seen.filter((message) => message.groupId === group.id)).toHaveLength(4 * n + 2);
    expect(raw[0]!.seen).toHaveLength(4 * n + 2);
    expect(new Set(ids(raw[1]!.seen)).size).toBe(raw[1]!.seen.length);
    expect(raw[1]!.seen).toHaveLength(4 * n + 2 + 2 * n + 2);
    for (const { socket } of raw) socket.close();
  }, 60_000);

  it("shows presence across processes", async () => {
    const alice = await userOn(first, "alice");
    const erin = await userOn(second, "erin", false);
    await makeFriends(alice, erin);
    const seen: Presence[] = [];
    alice.client.realtime.on("presence", (presence) => seen.push(presence));
    await erin.client.realtime.connect();
    await vi.waitFor(() => expect(seen).toEqual([{ userId: erin.id, status: "active" }]), { timeout: 10_000 });
    // A second device on the other process changes nothing; the last one leaving does.
    const erinElsewhere = createClient({ baseUrl: first.url, token: erin.client.token });
    await erinElsewhere.realtime.connect();
    erin.client.realtime.disconnect();
    // The second process has handled the disconnect once the shared presence counts only the other socket;
    // a new socket there is counted after that handling finished (one user's presence changes apply in order).
    await vi.waitFor(async () => expect(await namespace.presenceSockets(erin.id)).toBe(1));
    await erin.client.realtime.connect();
    // A DM through the second process reaches alice after any presence change that process published before.
    const directs: Message[] = [];
    alice.client.realtime.on("newDM", (message) => directs.push(message));
    const barrier = await erin.client.dms.send(alice.id, { content: "barrier" });
    await vi.waitFor(() => expect(ids(directs)).toEqual([barrier.id]), { timeout: 10_000 });
    expect(seen).toEqual([{ userId: erin.id, status: "active" }]);
    erin.client.realtime.disconnect();
    erinElsewhere.realtime.disconnect();
    await vi.waitFor(() =>
      expect(seen).toEqual([
        { userId: erin.id, status: "active" },
        { userId: erin.id, status: "offline" },
      ]),
    );
  });

  it("removal from a group and account deletion reach sockets on the other process", async () => {
    const owner = await userOn(first, "owner");
    const [member, leaver] = await Promise.all([userOn(second, "member"), userOn(second, "leaver")]);
    await Promise.all([makeFriends(owner, member), makeFriends(owner, leaver)]);
    const group = await owner.client.groups.create({ name: "Evictions" });
    await owner.client.groups.addMember(group.id, member.id);
    await member.client.realtime.joinGroup(group.id);
    const seen: Message[] = [];
    member.client.realtime.on("newGroupMessage", (message) => seen.push(message));
    await owner.client.groups.sendMessage(group.id, { content: "before" });
    await vi.waitFor(() => expect(seen.map((message) => message.content)).toEqual(["before"]), { timeout: 10_000 });
    await owner.client.groups.removeMember(group.id, member.id);
    await owner.client.groups.sendMessage(group.id, { content: "after removal" });
    // Published after the group message by the same process, to the member's own room: once it arrives,
    // the group message would have too.
    const directs: Message[] = [];
    member.client.realtime.on("newDM", (message) => directs.push(message));
    const barrier = await owner.client.dms.send(member.id, { content: "barrier" });
    await vi.waitFor(() => expect(ids(directs)).toEqual([barrier.id]), { timeout: 10_000 });
    expect(seen.map((message) => message.content)).toEqual(["before"]);

    const disconnected: string[] = [];
    leaver.client.realtime.on("disconnected", ({ reason }) => disconnected.push(reason));
    // Deleted through the first process; the socket is on the second.
    await createClient({ baseUrl: first.url, token: leaver.client.token }).users.deleteMe();
    await vi.waitFor(() => expect(disconnected[0]).toBe("io server disconnect"), { timeout: 10_000 });
  });

  it("shares login rate limits between processes", async () => {
    const victim = await userOn(first, "victim", false);
    const attempt = (process: ServerProcess) =>
      fetch(`${process.url}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: victim.username, password: "wrong password" }),
      }).then((response) => response.status);
    const statuses = [];
    for (const process of [first, second, first, second, second, first]) statuses.push(await attempt(process));
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it("a process killed mid-stream: no stored message lost, its clients catch up on the other process", async () => {
    // A process of this test's own, so that the other tests keep both of theirs.
    const doomed = await startServerProcess(deployment);
    const balancer = await startBalancer([doomed.port, first.port]);
    try {
      const alice = await userOn(first, "alice");
      const bob = await userOn(balancer, "bob");
      const frank = await signUp(doomed, "frank");
      clients.push(frank);
      await Promise.all([makeFriends(alice, bob), makeFriends(alice, frank)]);
      const alicePresence: Presence[] = [];
      alice.client.realtime.on("presence", (presence) => alicePresence.push(presence));
      // Frank's client does not come back: the process that held his socket dies with it.
      const frankOffline = createClient({ baseUrl: doomed.url, token: frank.client.token, realtime: { socket: { reconnection: false } } });
      await frankOffline.realtime.connect();
      await vi.waitFor(() => expect(alicePresence).toContainEqual({ userId: frank.id, status: "active" }), { timeout: 10_000 });

      const dms: Message[] = [];
      const caughtUp: number[] = [];
      bob.client.realtime.on("newDM", (message) => dms.push(message));
      bob.client.realtime.on("caughtUp", ({ messages }) => caughtUp.push(messages));

      const total = 60;
      const sent: Message[] = [];
      let killed: Promise<void> | undefined;
      for (let i = 1; i <= total; i++) {
        sent.push(await alice.client.dms.send(bob.id, { content: `stream ${i}` }));
        if (i === 20) {
          // Bob has received some of it live; his process dies while the rest is being sent.
          await vi.waitFor(() => expect(dms.length).toBeGreaterThanOrEqual(15), { timeout: 10_000 });
          killed = doomed.kill("SIGKILL");
        }
      }
      await killed;

      // The last message is a barrier: what comes before it in the conversation is delivered before it.
      const barrier = await alice.client.dms.send(bob.id, { content: "barrier" });
      await vi.waitFor(() => expect(dms.at(-1)?.id).toBe(barrier.id), { timeout: 20_000 });
      expect(sent).toHaveLength(total);
      expect(dms.map((message) => message.content)).toEqual([...upTo(total).map((i) => `stream ${i}`), "barrier"]);
      expect(seqs(dms)).toEqual(upTo(total + 1));
      // The catch-up ends with the changes feed, after the messages were handed over.
      await vi.waitFor(() => expect(caughtUp.length).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
      // Frank's socket died with its process: after the presence TTL, his friends see him offline.
      await vi.waitFor(() => expect(alicePresence).toContainEqual({ userId: frank.id, status: "offline" }), { timeout: 10_000 });
      frankOffline.realtime.disconnect();
    } finally {
      await balancer.close();
      await doomed.kill("SIGKILL");
    }
  }, 60_000);
});
