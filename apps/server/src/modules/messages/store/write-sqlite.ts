import { isDriverForeignKeyViolation, isDriverUniqueViolation, type SqliteLean, sqliteTimestamp } from "@hestia/db";
import type { Settled } from "../group-commit";
import { type Append, type AppendOutcome, type ConversationState, MESSAGE_COLUMNS, refusal, repeatOutcome, storedMessage } from "./append";
import type { MessageRow } from "./message-row";

const READ_CONVERSATION = "SELECT `lastSeq`, `mlsEpoch`, `encrypted` FROM `Conversation` WHERE `id` = ?";
const INSERT =
  "INSERT INTO `Message` (`conversationId`, `seq`, `senderId`, `content`, `ciphertext`, `encrypted`, `idempotencyKey`, `createdAt`) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING `id`";
const BY_KEY = `SELECT ${MESSAGE_COLUMNS} FROM \`Message\` AS \`m\` JOIN \`User\` AS \`u\` ON \`u\`.\`id\` = \`m\`.\`senderId\`
  WHERE \`m\`.\`senderId\` = ? AND \`m\`.\`idempotencyKey\` = ?`;
const SAVE_SEQ = "UPDATE `Conversation` SET `lastSeq` = ? WHERE `id` = ?";

/**
 * Writes a batch of appends in one SQLite transaction, synchronously: each conversation's counter is
 * read once, every message takes the next seq, and each counter is saved once. A message whose INSERT
 * fails is answered on its own (a repeated idempotency key, a sender deleted meanwhile) and takes no seq.
 */
export function writeSqliteBatch(lean: SqliteLean, items: Append[]): Promise<Settled<AppendOutcome>[]> {
  const readConversation = lean.statement(READ_CONVERSATION);
  const insert = lean.statement(INSERT);
  const byKey = lean.statement(BY_KEY);
  const saveSeq = lean.statement(SAVE_SEQ);
  return lean.transaction(() => {
    const states = new Map<number, ConversationState | undefined>();
    const changed = new Set<number>();
    const stateOf = (id: number) => {
      if (!states.has(id)) {
        const row = readConversation.get(id) as { lastSeq: number; mlsEpoch: number; encrypted: number } | undefined;
        states.set(id, row && { lastSeq: row.lastSeq, mlsEpoch: row.mlsEpoch, encrypted: row.encrypted === 1 });
      }
      return states.get(id);
    };
    const original = (input: Append) =>
      input.idempotencyKey === undefined
        ? undefined
        : repeatOutcome(byKey.get(input.sender.id, input.idempotencyKey) as MessageRow | undefined, input);
    const writeOne = (input: Append): AppendOutcome => {
      const state = stateOf(input.conversation.id);
      const refused = refusal(state, input);
      // A retry of a message that was stored gets the original, even where a new one would be refused now.
      if (refused || !state) return original(input) ?? refused ?? { status: "refused", reason: "gone" };
      const { body, sender, idempotencyKey } = input;
      const seq = state.lastSeq + 1;
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
        ) as { id: number };
        state.lastSeq = seq;
        changed.add(input.conversation.id);
        return storedMessage(input, id, seq, createdAt);
      } catch (error) {
        // The driver reports a constraint violation by throwing; these two have an answer for the sender.
        const repeat = isDriverUniqueViolation(error) ? original(input) : undefined;
        if (repeat) return repeat;
        if (isDriverForeignKeyViolation(error)) return { status: "refused", reason: "gone" };
        throw error;
      }
    };
    const results = items.map((input): Settled<AppendOutcome> => {
      try {
        return { value: writeOne(input) };
      } catch (error) {
        return { error };
      }
    });
    for (const id of changed) saveSeq.run(states.get(id)?.lastSeq ?? 0, id);
    return results;
  });
}
