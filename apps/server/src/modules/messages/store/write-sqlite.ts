import { isDriverForeignKeyViolation, isDriverUniqueViolation, type SqliteLean, sqliteTimestamp } from "@hestia/db";
import type { Settled } from "../group-commit";
import { type Append, type AppendOutcome, type ConversationState, MESSAGE_COLUMNS, refusal, repeatOutcome, storedMessage } from "./append";
import { type ConversationActivity, createActivity, memberKey, type Write, type WriteOutcome } from "./batch";
import { advance, type CursorMove, type CursorOutcome, type Cursors, sameCursors } from "./cursor";
import type { MessageRow } from "./message-row";

const READ_CONVERSATION = "SELECT `lastSeq`, `mlsEpoch`, `encrypted`, `changeSeq` FROM `Conversation` WHERE `id` = ?";
const INSERT =
  "INSERT INTO `Message` (`conversationId`, `seq`, `senderId`, `content`, `ciphertext`, `encrypted`, `idempotencyKey`, `createdAt`, `replyToId`, `changeSeq`) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `id`";
const BY_KEY = `SELECT ${MESSAGE_COLUMNS} FROM \`Message\` AS \`m\` JOIN \`User\` AS \`u\` ON \`u\`.\`id\` = \`m\`.\`senderId\`
  WHERE \`m\`.\`senderId\` = ? AND \`m\`.\`idempotencyKey\` = ?`;
const SAVE_SEQ = "UPDATE `Conversation` SET `lastSeq` = ?, `changeSeq` = ? WHERE `id` = ?";
// Selecting the user makes a mention of an account deleted meanwhile a no-op instead of a failed statement.
const INSERT_MENTION =
  "INSERT INTO `Mention` (`messageId`, `userId`, `conversationId`, `seq`) SELECT ?, `id`, ?, ? FROM `User` WHERE `id` = ?";

/**
 * One statement per conversation: every member's inbox activity, and the read and delivered cursors of
 * the batch's `senders` senders there.
 */
function membersUpdate(senders: number): string {
  const cursor = (column: string) =>
    `CASE \`userId\` ${Array.from({ length: senders }, () => `WHEN ? THEN MAX(\`${column}\`, ?)`).join(" ")} ELSE \`${column}\` END`;
  return `UPDATE \`Membership\` SET \`activityAt\` = ?, \`readSeq\` = ${cursor("readSeq")}, \`deliveredSeq\` = ${cursor("deliveredSeq")} WHERE \`conversationId\` = ?`;
}

function membersParams({ conversationId, at, senders }: ConversationActivity): (string | number)[] {
  const cursors = senders.flatMap(({ userId, seq }) => [userId, seq]);
  return [sqliteTimestamp(at), ...cursors, ...cursors, conversationId];
}
const READ_CURSORS = "SELECT `readSeq`, `deliveredSeq` FROM `Membership` WHERE `conversationId` = ? AND `userId` = ?";
const SAVE_CURSORS = "UPDATE `Membership` SET `readSeq` = ?, `deliveredSeq` = ? WHERE `conversationId` = ? AND `userId` = ?";

/**
 * Writes a batch in one SQLite transaction, synchronously. Appends: each conversation's counter is read
 * once, every message takes the next seq, each counter is saved once, and one statement per conversation
 * moves it up every member's inbox and each sender's read cursor to their newest message. A message whose INSERT fails is answered on its own (a repeated
 * idempotency key, a sender deleted meanwhile) and takes no seq. Cursor moves come after the appends of
 * the batch, clamped to the conversation's newest seq.
 */
export function writeSqliteBatch(lean: SqliteLean, items: Write[]): Promise<Settled<WriteOutcome>[]> {
  const readConversation = lean.statement(READ_CONVERSATION);
  const insert = lean.statement(INSERT);
  const byKey = lean.statement(BY_KEY);
  const saveSeq = lean.statement(SAVE_SEQ);
  const insertMention = lean.statement(INSERT_MENTION);
  const readCursors = lean.statement(READ_CURSORS);
  const saveCursors = lean.statement(SAVE_CURSORS);
  return lean.transaction(() => {
    const states = new Map<number, ConversationState | undefined>();
    const changed = new Set<number>();
    const activity = createActivity();
    const stateOf = (id: number) => {
      if (!states.has(id)) {
        const row = readConversation.get(id) as { lastSeq: number; mlsEpoch: number; encrypted: number; changeSeq: number } | undefined;
        states.set(id, row && { lastSeq: row.lastSeq, mlsEpoch: row.mlsEpoch, encrypted: row.encrypted === 1, changeSeq: row.changeSeq });
      }
      return states.get(id);
    };
    const original = (input: Append) =>
      input.idempotencyKey === undefined
        ? undefined
        : repeatOutcome(byKey.get(input.sender.id, input.idempotencyKey) as MessageRow | undefined, input);
    const appendOne = (input: Append): AppendOutcome => {
      const state = stateOf(input.conversation.id);
      const refused = refusal(state, input);
      // A retry of a message that was stored gets the original, even where a new one would be refused now.
      if (refused || !state) return original(input) ?? refused ?? { status: "refused", reason: "gone" };
      const { body, sender, idempotencyKey } = input;
      const seq = state.lastSeq + 1;
      const changeSeq = state.changeSeq + 1;
      const createdAt = new Date();
      try {
        const { id } = insert.get(
          input.conversation.id,
          seq,
          sender.id,
          body.encrypted ? null : body.content,
          body.encrypted ? body.ciphertext : null,
          body.encrypted ? 1 : 0,
          idempotencyKey ?? null,
          sqliteTimestamp(createdAt),
          input.replyTo?.id ?? null,
          changeSeq,
        ) as { id: number };
        state.lastSeq = seq;
        state.changeSeq = changeSeq;
        changed.add(input.conversation.id);
        for (const userId of input.mentions ?? []) insertMention.run(id, input.conversation.id, seq, userId);
        return storedMessage(input, id, seq, createdAt, changeSeq);
      } catch (error) {
        // The driver reports a constraint violation by throwing; these two have an answer for the sender.
        const repeat = isDriverUniqueViolation(error) ? original(input) : undefined;
        if (repeat) return repeat;
        if (isDriverForeignKeyViolation(error)) return { status: "refused", reason: "gone" };
        throw error;
      }
    };
    const cursors = new Map<string, { move: CursorMove; current: Cursors; saved: Cursors } | undefined>();
    const moveOne = (move: CursorMove): CursorOutcome => {
      const key = memberKey(move.conversationId, move.userId);
      if (!cursors.has(key)) {
        const row = readCursors.get(move.conversationId, move.userId) as Cursors | undefined;
        cursors.set(key, row && { move, current: row, saved: row });
      }
      const member = cursors.get(key);
      const state = stateOf(move.conversationId);
      if (!member || !state) return { status: "not-member" };
      const before = member.current;
      member.current = advance(before, move, state.lastSeq);
      return { status: "member", before, after: member.current, lastSeq: state.lastSeq };
    };
    const settle = <T>(work: () => T): Settled<T> => {
      try {
        return { value: work() };
      } catch (error) {
        return { error };
      }
    };
    const results: Settled<WriteOutcome>[] = new Array(items.length);
    for (const [index, item] of items.entries()) {
      if (item.type !== "append") continue;
      const result = settle(() => appendOne(item.append));
      if ("value" in result) activity.stored(result.value);
      results[index] = "value" in result ? { value: { type: "append", outcome: result.value } } : result;
    }
    for (const id of changed) saveSeq.run(states.get(id)?.lastSeq ?? 0, states.get(id)?.changeSeq ?? 0, id);
    for (const conversation of activity.list())
      lean.statement(membersUpdate(conversation.senders.length)).run(...membersParams(conversation));
    for (const [index, item] of items.entries()) {
      if (item.type !== "cursor") continue;
      const result = settle(() => moveOne(item.move));
      results[index] = "value" in result ? { value: { type: "cursor", outcome: result.value } } : result;
    }
    for (const member of cursors.values()) {
      if (!member || sameCursors(member.current, member.saved)) continue;
      saveCursors.run(member.current.readSeq, member.current.deliveredSeq, member.move.conversationId, member.move.userId);
    }
    return results;
  });
}
