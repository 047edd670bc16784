import { createDb, migrate, openLean, parseDatabaseUrl } from "@hestia/db";
import type { Socket } from "socket.io-client";
import { at, closeAll, closedLoop, connectAll, type Timing } from "./load";
import type { BenchUser } from "./seed";

/** An inbox user: `conversations` conversations (half direct, half groups), each with `messages` stored messages. */
export interface InboxSeed {
  user: BenchUser;
  conversations: number;
  messages: number;
  /** The text of each message in turn (by default a line that names its seq). */
  content?: (seq: number) => string;
}

/**
 * Gives each inbox user `conversations` conversations with history, straight in the database: half direct
 * (with other bench users, who wrote every other message), half groups of three. A third of the
 * conversations are unread from their start, a third partly read, a third read; every fifth mentions the
 * user. Nothing here is read by the inbox query other than the counters, so this is what makes it slow if
 * it grows with history.
 */
export async function seedInboxes(databaseUrl: string, dataDir: string, others: BenchUser[], inboxes: InboxSeed[]): Promise<void> {
  const target = parseDatabaseUrl(databaseUrl, dataDir);
  await migrate(target);
  const db = createDb(target);
  try {
    // Each direct conversation needs a peer of its own (one conversation per pair); group members may repeat.
    let other = 0;
    const nextOther = () => at(others, other++ % others.length);
    const start = Date.now() - 30 * 24 * 3600 * 1000;
    for (const inbox of inboxes) {
      const messages: { conversationId: number; seq: number; senderId: number; content: string; createdAt: Date }[] = [];
      const mentions: { messageId?: number; conversationId: number; seq: number }[] = [];
      for (let c = 0; c < inbox.conversations; c++) {
        const direct = c % 2 === 0;
        const peers = direct ? [nextOther()] : [nextOther(), nextOther()];
        const lastAt = new Date(start + c * 60_000 + inbox.messages * 1000);
        const readSeq = c % 3 === 0 ? 0 : c % 3 === 1 ? Math.floor(inbox.messages / 2) : inbox.messages;
        const conversation = await db.conversation.create({
          data: {
            kind: direct ? "DIRECT" : "GROUP",
            directKey: direct ? `${Math.min(inbox.user.id, at(peers, 0).id)}:${Math.max(inbox.user.id, at(peers, 0).id)}` : null,
            name: direct ? null : `inbox group ${c}`,
            createdById: inbox.user.id,
            lastSeq: inbox.messages,
            memberships: {
              create: [
                { userId: inbox.user.id, role: "OWNER", readSeq, deliveredSeq: readSeq, activityAt: lastAt },
                ...peers.map((peer) => ({ userId: peer.id, readSeq: inbox.messages, deliveredSeq: inbox.messages, activityAt: lastAt })),
              ],
            },
          },
        });
        for (let seq = 1; seq <= inbox.messages; seq++) {
          const sender = seq % 2 === 0 ? inbox.user : at(peers, seq % peers.length);
          messages.push({
            conversationId: conversation.id,
            seq,
            senderId: sender.id,
            content: inbox.content ? inbox.content(seq) : `inbox history message ${seq} `.repeat(3),
            createdAt: new Date(lastAt.getTime() - (inbox.messages - seq) * 1000),
          });
        }
        if (c % 5 === 0) mentions.push({ conversationId: conversation.id, seq: inbox.messages - (inbox.messages % 2 === 0 ? 1 : 0) });
      }
      // Prepared statements, many rows to a transaction: far quicker than the ORM for hundreds of thousands of rows.
      const lean = openLean(target, { synchronous: "normal" });
      try {
        for (let i = 0; i < messages.length; i += 10_000) {
          await lean.runMany(
            "INSERT INTO `Message` (`conversationId`, `seq`, `senderId`, `content`, `createdAt`) VALUES (?, ?, ?, ?, ?)",
            messages.slice(i, i + 10_000).map((m) => [m.conversationId, m.seq, m.senderId, m.content, m.createdAt]),
          );
        }
      } finally {
        await lean.close();
      }
      for (const mention of mentions) {
        const message = await db.message.findUniqueOrThrow({
          where: { conversationId_seq: { conversationId: mention.conversationId, seq: mention.seq } },
        });
        await db.mention.create({
          data: { messageId: message.id, userId: inbox.user.id, conversationId: mention.conversationId, seq: mention.seq },
        });
      }
    }
  } finally {
    await db.$disconnect();
  }
}

/**
 * The DM scenario where every receiver marks each message read as it arrives (`markRead`, acknowledged);
 * senders get the receipts. Returns DMs delivered/s.
 */
export async function dmWithReceipts(url: string, pairs: [BenchUser, BenchUser][], window: number, timing: Timing) {
  const { sockets } = await connectAll(
    url,
    pairs.flatMap(([a, b]) => [{ token: a.token }, { token: b.token }]),
  );
  let receipts = 0;
  try {
    const senders = pairs.map(([, receiver], i) => ({
      socket: at(sockets, 2 * i),
      send: (): [string, unknown] => ["sendDM", { toId: receiver.id, content: "benchmark message" }],
    }));
    for (const { socket } of senders) socket.on("receipt", () => receipts++);
    const receivers = pairs.map(([sender], i) => {
      const socket: Socket = at(sockets, 2 * i + 1);
      return {
        socket,
        event: "newDM",
        count: (message: { userId: number; conversationId: number; seq: number }) => {
          if (message.userId !== sender.id) return 0;
          socket.emit("markRead", { conversationId: message.conversationId, seq: message.seq }, () => {});
          return 1;
        },
      };
    });
    const result = await closedLoop({ senders, receivers, window, timing });
    return { ...result, receipts };
  } finally {
    closeAll(sockets);
  }
}
