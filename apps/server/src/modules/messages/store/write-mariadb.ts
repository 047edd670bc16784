import { isDriverForeignKeyViolation, isDriverUniqueViolation, type MariaDbConnection, type MariaDbLean, type SqlValue } from "@hestia/db";
import type { Settled } from "../group-commit";
import { type Append, type AppendOutcome, type ConversationState, MESSAGE_COLUMNS, refusal, repeatOutcome, storedMessage } from "./append";
import { createActivity, type Write, type WriteOutcome } from "./batch";
import { applyCursorMoves, saveActivity, saveMentions } from "./batch-mariadb";
import type { CursorMove } from "./cursor";
import type { MessageRow } from "./message-row";

const COLUMNS =
  "(`conversationId`, `seq`, `senderId`, `content`, `ciphertext`, `encrypted`, `idempotencyKey`, `createdAt`, `replyToId`, `changeSeq`)";
const ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");

interface Planned {
  index: number;
  input: Append;
  seq: number;
  changeSeq: number;
  createdAt: Date;
}

function rowValues({ input, seq, changeSeq, createdAt }: Planned): SqlValue[] {
  const { body, sender, conversation, idempotencyKey } = input;
  return [
    conversation.id,
    seq,
    sender.id,
    body.encrypted ? null : body.content,
    body.encrypted ? body.ciphertext : null,
    body.encrypted,
    idempotencyKey ?? null,
    createdAt,
    input.replyTo?.id ?? null,
    changeSeq,
  ];
}

async function original(tx: MariaDbConnection, input: Append): Promise<AppendOutcome | undefined> {
  if (input.idempotencyKey === undefined) return undefined;
  const [row] = await tx.all<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM \`Message\` AS \`m\` JOIN \`User\` AS \`u\` ON \`u\`.\`id\` = \`m\`.\`senderId\`
     WHERE \`m\`.\`senderId\` = ? AND \`m\`.\`idempotencyKey\` = ?`,
    [input.sender.id, input.idempotencyKey],
  );
  return repeatOutcome(row, input);
}

/**
 * Writes a batch in one MariaDB transaction: the conversations' rows are locked (in id order, so
 * concurrent batches of other processes queue instead of deadlocking), every message takes the next
 * seq, all rows go in one INSERT, each counter is saved once, the conversations move up their members'
 * inboxes and each sender's read cursor moves to their newest message. When that INSERT fails on a constraint (a repeated idempotency key, a sender
 * deleted meanwhile), the rows are inserted one by one so that only the message concerned fails. Cursor
 * moves come after the appends of the batch, clamped to the conversation's newest seq.
 */
export function writeMariaDbBatch(lean: MariaDbLean, items: Write[]): Promise<Settled<WriteOutcome>[]> {
  return lean.transaction(async (tx) => {
    const appends: { index: number; input: Append }[] = [];
    const moves: { index: number; move: CursorMove }[] = [];
    for (const [index, item] of items.entries()) {
      if (item.type === "append") appends.push({ index, input: item.append });
      else moves.push({ index, move: item.move });
    }
    const conversationIds = [...appends.map(({ input }) => input.conversation.id), ...moves.map(({ move }) => move.conversationId)];
    const ids = [...new Set(conversationIds)].sort((a, b) => a - b);
    const rows = await tx.all<{ id: number; lastSeq: number; mlsEpoch: number; encrypted: number; changeSeq: number }>(
      `SELECT \`id\`, \`lastSeq\`, \`mlsEpoch\`, \`encrypted\`, \`changeSeq\` FROM \`Conversation\` WHERE \`id\` IN (${placeholders(ids.length)}) ORDER BY \`id\` FOR UPDATE`,
      ids,
    );
    const readSeqs = new Map(rows.map((row) => [row.id, row.lastSeq]));
    const states = new Map<number, ConversationState>(
      rows.map((row) => [
        row.id,
        { lastSeq: row.lastSeq, mlsEpoch: row.mlsEpoch, encrypted: Boolean(row.encrypted), changeSeq: row.changeSeq },
      ]),
    );
    const readChangeSeqs = new Map(rows.map((row) => [row.id, row.changeSeq]));
    const outcomes = await appendAll(tx, appends, states, readSeqs, readChangeSeqs);
    const results: Settled<WriteOutcome>[] = new Array(items.length);
    const activity = createActivity();
    const stored: { id: number; conversationId: number; seq: number; mentions: number[] }[] = [];
    for (const [position, { index }] of appends.entries()) {
      const result = outcomes[position] ?? { error: new Error("no outcome for an append") };
      results[index] = "value" in result ? { value: { type: "append", outcome: result.value } } : result;
      if (!("value" in result) || result.value.status !== "stored") continue;
      const { message } = result.value;
      activity.stored(result.value);
      stored.push({ id: message.id, conversationId: message.conversationId, seq: message.seq, mentions: message.mentions ?? [] });
    }
    await saveMentions(tx, stored);
    const changed = ids.filter((id) => states.get(id)?.lastSeq !== readSeqs.get(id));
    if (changed.length) {
      const cases = changed.map(() => "WHEN ? THEN ?").join(" ");
      await tx.run(
        `UPDATE \`Conversation\` SET \`lastSeq\` = CASE \`id\` ${cases} END, \`changeSeq\` = CASE \`id\` ${cases} END WHERE \`id\` IN (${placeholders(changed.length)})`,
        [
          ...changed.flatMap((id) => [id, states.get(id)?.lastSeq ?? 0]),
          ...changed.flatMap((id) => [id, states.get(id)?.changeSeq ?? 0]),
          ...changed,
        ],
      );
    }
    await saveActivity(tx, activity.list());
    const moved = await applyCursorMoves(
      tx,
      moves.map(({ move }) => move),
      (id) => states.get(id)?.lastSeq,
    );
    for (const [position, { index }] of moves.entries()) {
      const outcome = moved[position];
      results[index] = outcome ? { value: { type: "cursor", outcome } } : { error: new Error("no outcome for a cursor move") };
    }
    return results;
  });
}

/** Stores a batch's messages (see writeMariaDbBatch); answers each in the order given. */
async function appendAll(
  tx: MariaDbConnection,
  appends: { input: Append }[],
  states: Map<number, ConversationState>,
  readSeqs: Map<number, number>,
  readChangeSeqs: Map<number, number>,
): Promise<Settled<AppendOutcome>[]> {
  const results: Settled<AppendOutcome>[] = new Array(appends.length);
  const planned: Planned[] = [];
  for (const [index, { input }] of appends.entries()) {
    const state = states.get(input.conversation.id);
    const refused = refusal(state, input);
    if (refused || !state) {
      results[index] = { value: (await original(tx, input)) ?? refused ?? { status: "refused", reason: "gone" } };
      continue;
    }
    state.lastSeq += 1;
    state.changeSeq += 1;
    planned.push({ index, input, seq: state.lastSeq, changeSeq: state.changeSeq, createdAt: new Date() });
  }
  if (!planned.length) return results;
  try {
    const inserted = await tx.all<{ id: number }>(
      `INSERT INTO \`Message\` ${COLUMNS} VALUES ${planned.map(() => ROW).join(", ")} RETURNING \`id\``,
      planned.flatMap(rowValues),
    );
    for (const [position, plan] of planned.entries()) {
      const id = inserted[position]?.id;
      results[plan.index] =
        id === undefined
          ? { error: new Error("INSERT returned fewer ids than rows") }
          : { value: storedMessage(plan.input, id, plan.seq, plan.createdAt, plan.changeSeq) };
    }
  } catch (error) {
    if (!isDriverUniqueViolation(error) && !isDriverForeignKeyViolation(error)) throw error;
    for (const [id, state] of states) {
      state.lastSeq = readSeqs.get(id) ?? state.lastSeq;
      state.changeSeq = readChangeSeqs.get(id) ?? state.changeSeq;
    }
    for (const plan of planned) results[plan.index] = await insertAlone(tx, plan, states);
  }
  return results;
}

/** One row on its own, after the batch's INSERT failed on a constraint: only this message fails if it fails. */
async function insertAlone(tx: MariaDbConnection, plan: Planned, states: Map<number, ConversationState>): Promise<Settled<AppendOutcome>> {
  const state = states.get(plan.input.conversation.id);
  if (!state) return { value: { status: "refused", reason: "gone" } };
  const row = { ...plan, seq: state.lastSeq + 1, changeSeq: state.changeSeq + 1 };
  try {
    const [inserted] = await tx.all<{ id: number }>(`INSERT INTO \`Message\` ${COLUMNS} VALUES ${ROW} RETURNING \`id\``, rowValues(row));
    if (!inserted) return { error: new Error("INSERT returned no id") };
    state.lastSeq = row.seq;
    state.changeSeq = row.changeSeq;
    return { value: storedMessage(plan.input, inserted.id, row.seq, row.createdAt, row.changeSeq) };
  } catch (error) {
    const repeat = isDriverUniqueViolation(error) ? await original(tx, plan.input) : undefined;
    if (repeat) return { value: repeat };
    if (isDriverForeignKeyViolation(error)) return { value: { status: "refused", reason: "gone" } };
    return { error };
  }
}
