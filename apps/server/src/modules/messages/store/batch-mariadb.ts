import type { MariaDbConnection, SqlValue } from "@hestia/db";
import { type ConversationActivity, memberKey } from "./batch";
import { advance, type CursorMove, type CursorOutcome, type Cursors, sameCursors } from "./cursor";

const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");

/** `(SELECT ? AS a, ? AS b ...) UNION ALL ...`: rows of values to join an UPDATE with, in one statement. */
function valueRows(columns: string[], rows: SqlValue[][]): { sql: string; params: SqlValue[] } {
  const select = (first: boolean) => `SELECT ${columns.map((column) => (first ? `? AS \`${column}\`` : "?")).join(", ")}`;
  return { sql: rows.map((_, index) => select(index === 0)).join(" UNION ALL "), params: rows.flat() };
}

/**
 * Moves the batch's conversations up their members' inboxes, and each sender's read and delivered cursors
 * up to their newest message: two statements for the whole batch.
 */
export async function saveActivity(tx: MariaDbConnection, conversations: ConversationActivity[]): Promise<void> {
  if (!conversations.length) return;
  const times = valueRows(
    ["c", "t"],
    conversations.map(({ conversationId, at }) => [conversationId, at]),
  );
  await tx.run(
    `UPDATE \`Membership\` AS \`m\` JOIN (${times.sql}) AS \`v\` ON \`m\`.\`conversationId\` = \`v\`.\`c\` SET \`m\`.\`activityAt\` = \`v\`.\`t\``,
    times.params,
  );
  const senders = conversations.flatMap((conversation) => conversation.senders);
  const cursors = valueRows(
    ["c", "u", "s"],
    senders.map((sender) => [sender.conversationId, sender.userId, sender.seq]),
  );
  await tx.run(
    `UPDATE \`Membership\` AS \`m\` JOIN (${cursors.sql}) AS \`v\` ON \`m\`.\`conversationId\` = \`v\`.\`c\` AND \`m\`.\`userId\` = \`v\`.\`u\`
     SET \`m\`.\`readSeq\` = GREATEST(\`m\`.\`readSeq\`, \`v\`.\`s\`), \`m\`.\`deliveredSeq\` = GREATEST(\`m\`.\`deliveredSeq\`, \`v\`.\`s\`)`,
    cursors.params,
  );
}

/**
 * Applies a batch's cursor moves: the members' rows are read (locked) in one query, each move is applied
 * in batch order, and the rows that changed are written back in one statement.
 */
export async function applyCursorMoves(
  tx: MariaDbConnection,
  moves: CursorMove[],
  lastSeqOf: (conversationId: number) => number | undefined,
): Promise<CursorOutcome[]> {
  if (!moves.length) return [];
  const members = [...new Map(moves.map((move) => [memberKey(move.conversationId, move.userId), move])).values()];
  const rows = await tx.all<Cursors & { conversationId: number; userId: number }>(
    `SELECT \`conversationId\`, \`userId\`, \`readSeq\`, \`deliveredSeq\` FROM \`Membership\`
     WHERE (\`conversationId\`, \`userId\`) IN (${members.map(() => "(?, ?)").join(", ")}) FOR UPDATE`,
    members.flatMap((move) => [move.conversationId, move.userId]),
  );
  const saved = new Map(
    rows.map((row) => [memberKey(row.conversationId, row.userId), { readSeq: row.readSeq, deliveredSeq: row.deliveredSeq }]),
  );
  const current = new Map(saved);
  const outcomes = moves.map((move): CursorOutcome => {
    const key = memberKey(move.conversationId, move.userId);
    const before = current.get(key);
    const lastSeq = lastSeqOf(move.conversationId);
    if (!before || lastSeq === undefined) return { status: "not-member" };
    const after = advance(before, move, lastSeq);
    current.set(key, after);
    return { status: "member", before, after, lastSeq };
  });
  const changed = members.filter((move) => {
    const key = memberKey(move.conversationId, move.userId);
    const [now, then] = [current.get(key), saved.get(key)];
    return now && then && !sameCursors(now, then);
  });
  if (changed.length) {
    const values = valueRows(
      ["c", "u", "r", "d"],
      changed.map((move) => {
        const cursors = current.get(memberKey(move.conversationId, move.userId));
        return [move.conversationId, move.userId, cursors?.readSeq ?? 0, cursors?.deliveredSeq ?? 0];
      }),
    );
    await tx.run(
      `UPDATE \`Membership\` AS \`m\` JOIN (${values.sql}) AS \`v\` ON \`m\`.\`conversationId\` = \`v\`.\`c\` AND \`m\`.\`userId\` = \`v\`.\`u\`
       SET \`m\`.\`readSeq\` = \`v\`.\`r\`, \`m\`.\`deliveredSeq\` = \`v\`.\`d\``,
      values.params,
    );
  }
  return outcomes;
}

/** Mentions of the messages a batch stored; a user deleted meanwhile is skipped. */
export async function saveMentions(
  tx: MariaDbConnection,
  stored: { id: number; conversationId: number; seq: number; mentions: number[] }[],
): Promise<void> {
  for (const message of stored) {
    if (!message.mentions.length) continue;
    await tx.run(
      `INSERT INTO \`Mention\` (\`messageId\`, \`userId\`, \`conversationId\`, \`seq\`)
       SELECT ?, \`id\`, ?, ? FROM \`User\` WHERE \`id\` IN (${placeholders(message.mentions.length)})`,
      [message.id, message.conversationId, message.seq, ...message.mentions],
    );
  }
}
