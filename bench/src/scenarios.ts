// The socket scenarios, each run the same way against the real server and against the bare relay.
import type { ServerProcess } from "@hestia/server/testing";
import type { Socket } from "socket.io-client";
import { type Auth, at, closeAll, closedLoop, connectAll, emitAck, openLoopLatency, rssKb, type Timing } from "./load";
import type { Seeded } from "./seed";

/** Sends each closed-loop sender keeps in flight. */
export const WINDOW = 4;

/** Where a scenario connects, and how a seeded user authenticates there. */
export type Side = { url: string; auth: (user: { id: number; token: string }) => Auth };

/** Delivered DMs/s (counted at the recipients) and acknowledged sends/s, for `pairs` sender→receiver pairs. */
export async function dmThroughput(side: Side, seeded: Seeded, timing: Timing) {
  const { sockets } = await connectAll(
    side.url,
    seeded.pairs.flatMap(([a, b]) => [side.auth(a), side.auth(b)]),
  );
  try {
    const senders = seeded.pairs.map(([, receiver], i) => ({
      socket: at(sockets, 2 * i),
      send: (): [string, unknown] => ["sendDM", { toId: receiver.id, content: "benchmark message" }],
    }));
    const receivers = seeded.pairs.map(([sender], i) => ({
      socket: at(sockets, 2 * i + 1),
      event: "newDM",
      count: (message: { userId: number }) => (message.userId === sender.id ? 1 : 0),
    }));
    return await closedLoop({ senders, receivers, window: WINDOW, timing });
  } finally {
    closeAll(sockets);
  }
}

/** Delivered group messages/s (each delivery to each other member counts), every member sending. */
export async function groupThroughput(side: Side, seeded: Seeded, timing: Timing) {
  const members = seeded.groups.flatMap((group) => group.members.map((member) => ({ member, groupId: group.id })));
  const { sockets } = await connectAll(
    side.url,
    members.map(({ member }) => side.auth(member)),
  );
  try {
    await Promise.all(members.map(({ groupId }, i) => emitAck(at(sockets, i), "joinGroup", { groupId })));
    const senders = members.map(({ groupId }, i) => ({
      socket: at(sockets, i),
      send: (): [string, unknown] => ["sendGroupMessage", { groupId, content: "benchmark group message" }],
    }));
    const receivers = members.map(({ member }, i) => ({
      socket: at(sockets, i),
      event: "newGroupMessage",
      count: (message: { userId: number }) => (message.userId === member.id ? 0 : 1),
    }));
    return await closedLoop({ senders, receivers, window: 1, timing });
  } finally {
    closeAll(sockets);
  }
}

/** p99/p50 send→receive latency of DMs at a fixed offered rate. */
export async function dmLatency(side: Side, seeded: Seeded, ratePerSecond: number, timing: Timing) {
  const { sockets } = await connectAll(
    side.url,
    seeded.pairs.flatMap(([a, b]) => [side.auth(a), side.auth(b)]),
  );
  try {
    const senders = seeded.pairs.map(([, receiver], i) => ({
      socket: at(sockets, 2 * i),
      send: (stamp: string): [string, unknown] => ["sendDM", { toId: receiver.id, content: stamp }],
    }));
    const receivers = seeded.pairs.map(([sender], i) => ({
      socket: at(sockets, 2 * i + 1),
      event: "newDM",
      stamp: (message: { userId: number; content: string }) => (message.userId === sender.id ? message.content : undefined),
    }));
    return await openLoopLatency({ senders, receivers, ratePerSecond, timing });
  } finally {
    closeAll(sockets);
  }
}

/** Sockets/s the load generator opens against the bare relay (no auth, nothing stored). */
export async function relayConnectRate(url: string, users: { id: number }[]): Promise<number> {
  const { sockets, ms } = await connectAll(
    url,
    users.map((user) => ({ userId: user.id })),
  );
  closeAll(sockets);
  return users.length / (ms / 1000);
}

/** `count` authenticated sockets held open for `holdMs`: drops, server memory per socket, connects/s. */
export async function idleConnections(server: ServerProcess, seeded: Seeded, count: number, holdMs: number) {
  const pid = server.child.pid;
  if (pid === undefined) throw new Error("the server process has no pid");
  const before = await rssKb(pid);
  const users = seeded.users.slice(0, count);
  const { sockets, ms } = await connectAll(
    server.url,
    users.map((user) => ({ token: user.token })),
  );
  let drops = 0;
  for (const socket of sockets) socket.on("disconnect", () => drops++);
  await new Promise((resolve) => setTimeout(resolve, holdMs));
  const after = await rssKb(pid);
  const stillConnected = sockets.filter((socket: Socket) => socket.connected).length;
  closeAll(sockets);
  return {
    drops: drops + (users.length - stillConnected - drops),
    kbPerSocket: (after - before) / users.length,
    connectsPerSecond: users.length / (ms / 1000),
  };
}
