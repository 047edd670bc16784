import { setTimeout as sleep } from "node:timers/promises";
import { HISTORY_DEFAULT_LIMIT, type Message } from "@hestia/contracts";
import { type Db, isTransientConflict, isUniqueViolation, Prisma } from "@hestia/db";
import { AppError } from "../../errors";

/** What a stored message is turned into a `Message` with: its conversation's kind and pair key. */
export interface ConversationRef {
  id: number;
  kind: string;
  directKey: string | null;
}

const messageSelect = {
  id: true,
  conversationId: true,
  seq: true,
  senderId: true,
  content: true,
  ciphertext: true,
  encrypted: true,
  createdAt: true,
  sender: { select: { username: true } },
} as const;

type MessageRow = {
  id: number;
  conversationId: number;
  seq: number;
  senderId: number;
  content: string | null;
  ciphertext: string | null;
  encrypted: boolean;
  createdAt: Date;
  sender: { username: string };
};

/** The other user of a direct conversation whose key is "<low>:<high>". */
export function otherParticipant(directKey: string, userId: number): number {
  const [low, high] = directKey.split(":").map(Number) as [number, number];
  return low === userId ? high : low;
}

export function toMessage(row: MessageRow, conversation: ConversationRef): Message {
  const message: Message = {
    id: row.id,
    content: row.content,
    createdAt: row.createdAt.toISOString(),
    userId: row.senderId,
    username: row.sender.username,
    seq: row.seq,
    conversationId: row.conversationId,
    encrypted: row.encrypted,
  };
  if (row.encrypted && row.ciphertext !== null) message.ciphertext = row.ciphertext;
  if (conversation.kind === "GROUP") message.groupId = conversation.id;
  else if (conversation.directKey) message.recipientId = otherParticipant(conversation.directKey, row.senderId);
  return message;
}

/** What a message carries: plain text, or the MLS ciphertext of an end-to-end encrypted message. */
export type MessageBody = { encrypted: false; content: string } | { encrypted: true; ciphertext: string };

export interface NewMessage {
  conversation: ConversationRef;
  sender: { id: number; username: string };
  body: MessageBody;
  idempotencyKey?: string;
  /**
   * An SQL condition checked by the INSERT itself (the sender may write here: friends, member), so the
   * permission check and the write are one statement. When it does not hold, nothing is stored and
   * storeMessage throws a GuardRefused.
   */
  guard?: Prisma.Sql;
}

/**
 * The next seq of a conversation, inside the INSERT: one past the newest message, or past the
 * conversation's `lastSeq` when that is higher (the newest messages went with their sender's account),
 * so a seq is never handed out twice.
 */
function nextSeq(conversationId: number): Prisma.Sql {
  const newest = Prisma.sql`COALESCE(MAX(\`seq\`), 0)`;
  const floor = Prisma.sql`COALESCE((SELECT \`lastSeq\` FROM \`Conversation\` WHERE \`id\` = ${conversationId}), 0)`;
  return Prisma.sql`CASE WHEN ${newest} >= ${floor} THEN ${newest} ELSE ${floor} END + 1`;
}

/**
 * Before a user's messages are deleted (with the account): records each of their conversations'
 * newest seq as its `lastSeq`, so that the seqs of the deleted messages are not handed out again.
 */
export async function keepSeqsOf(db: Db | Prisma.TransactionClient, senderId: number): Promise<void> {
  const newest = Prisma.sql`(SELECT COALESCE(MAX(\`seq\`), 0) FROM \`Message\` WHERE \`Message\`.\`conversationId\` = \`Conversation\`.\`id\`)`;
  // Never lowered: an earlier deletion may have left a higher floor than the messages still there.
  await db.$executeRaw`
    UPDATE \`Conversation\` SET \`lastSeq\` = CASE WHEN ${newest} > \`lastSeq\` THEN ${newest} ELSE \`lastSeq\` END
    WHERE \`id\` IN (SELECT \`conversationId\` FROM \`Message\` WHERE \`senderId\` = ${senderId})`;
}

/** The guard of a message did not hold: the caller works out why, and answers with the right error. */
export class GuardRefused extends Error {}

const MAX_ATTEMPTS = 50;

/**
 * Stores a message with the next `seq` of its conversation. The seq is computed inside the INSERT,
 * so each write is one atomic statement; concurrent writers that collide on (conversationId, seq)
 * retry. A send repeating an idempotency key returns the original message with `created: false`.
 */
export async function storeMessage(db: Db, input: NewMessage): Promise<{ message: Message; created: boolean }> {
  const { conversation, sender, body, idempotencyKey } = input;
  const content = body.encrypted ? null : body.content;
  const ciphertext = body.encrypted ? body.ciphertext : null;
  const senderId = sender.id;
  const original = async () => {
    if (!idempotencyKey) return undefined;
    const row = await db.message.findUnique({ where: { senderId_idempotencyKey: { senderId, idempotencyKey } }, select: messageSelect });
    if (!row) return undefined;
    if (row.conversationId !== conversation.id) {
      throw new AppError("CONFLICT", "idempotencyKey was already used for a message in another conversation");
    }
    return { message: toMessage(row, conversation), created: false };
  };

  // No look-up before the write: a repeated key fails the INSERT on (senderId, idempotencyKey), and the
  // original is read then. The common case, a new message, is one statement.
  const guard = input.guard ?? Prisma.sql`1 = 1`;
  for (let attempt = 1; ; attempt++) {
    try {
      const createdAt = new Date();
      const [inserted] = await db.$queryRaw<{ id: number | bigint; seq: number | bigint }[]>`
        INSERT INTO \`Message\` (\`conversationId\`, \`seq\`, \`senderId\`, \`content\`, \`ciphertext\`, \`encrypted\`, \`idempotencyKey\`, \`createdAt\`)
        SELECT \`next\`.* FROM (
          SELECT ${conversation.id} AS \`conversationId\`, ${nextSeq(conversation.id)} AS \`seq\`, ${senderId} AS \`senderId\`,
            ${content} AS \`content\`, ${ciphertext} AS \`ciphertext\`, ${body.encrypted} AS \`encrypted\`,
            ${idempotencyKey ?? null} AS \`idempotencyKey\`, ${createdAt} AS \`createdAt\`
          FROM \`Message\` WHERE \`conversationId\` = ${conversation.id}
        ) AS \`next\` WHERE ${guard}
        RETURNING \`id\`, \`seq\``;
      if (!inserted) throw new GuardRefused();
      // Everything else of the row is what was just written; no need to read it back.
      const row: MessageRow = {
        id: Number(inserted!.id),
        conversationId: conversation.id,
        seq: Number(inserted!.seq),
        senderId,
        content,
        ciphertext,
        encrypted: body.encrypted,
        createdAt,
        sender: { username: sender.username },
      };
      return { message: toMessage(row, conversation), created: true };
    } catch (error) {
      if (error instanceof GuardRefused) {
        // A retry of a message that was stored (its answer was lost) gets the original, even when the
        // guard would refuse a new one now (an encrypted message's epoch has moved on since).
        const earlier = await original();
        if (earlier) return earlier;
        throw error;
      }
      if (isUniqueViolation(error)) {
        const raced = await original();
        if (raced) return raced;
      }
      if ((isUniqueViolation(error) || isTransientConflict(error)) && attempt < MAX_ATTEMPTS) {
        // Full jitter, growing to 50 ms: writers to one busy conversation spread out instead of colliding again.
        await sleep(Math.random() * Math.min(50, 2 ** attempt));
        continue;
      }
      throw error;
    }
  }
}

/** Stores a message and, unless it was an idempotent repeat, announces it once stored. */
export async function storeAndAnnounce(db: Db, input: NewMessage, announce: (message: Message) => void): Promise<Message> {
  const { message, created } = await storeMessage(db, input);
  if (created) announce(message);
  return message;
}

export interface HistoryOptions {
  before?: number;
  after?: number;
  limit?: number;
}

/** One page of a conversation's history, oldest first, read through the (conversationId, seq) index. */
export async function loadHistory(db: Db, conversation: ConversationRef, options: HistoryOptions): Promise<Message[]> {
  const limit = options.limit ?? HISTORY_DEFAULT_LIMIT;
  const cursorId = options.before ?? options.after;
  let seqFilter: { lt: number } | { gt: number } | undefined;
  if (cursorId !== undefined) {
    const cursor = await db.message.findUnique({ where: { id: cursorId }, select: { conversationId: true, seq: true } });
    if (!cursor || cursor.conversationId !== conversation.id) {
      throw new AppError("BAD_REQUEST", "The cursor is not a message of this conversation");
    }
    seqFilter = options.before !== undefined ? { lt: cursor.seq } : { gt: cursor.seq };
  }
  const newestFirst = options.after === undefined;
  const rows = await db.message.findMany({
    where: { conversationId: conversation.id, ...(seqFilter ? { seq: seqFilter } : {}) },
    orderBy: { seq: newestFirst ? "desc" : "asc" },
    take: limit,
    select: messageSelect,
  });
  if (newestFirst) rows.reverse();
  return rows.map((row) => toMessage(row, conversation));
}
