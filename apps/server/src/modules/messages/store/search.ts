import type { Message } from "@hestia/contracts";
import type { LeanDb } from "@hestia/db";
import { MESSAGE_COLUMNS } from "./append";
import { decorate } from "./decorate";
import { type MessageRow, toMessage } from "./message-row";

export interface SearchOptions {
  /** Who searches: only conversations they are a member of now are searched. */
  userId: number;
  /** The words to find (each must appear, as a word or the start of one). */
  words: string[];
  conversationId?: number;
  limit: number;
  offset: number;
}

/** The words of a query: runs of letters and digits, lower-cased (punctuation and operators are not syntax here). */
export function searchWords(query: string): string[] {
  return [...new Set((query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 20))];
}

type Row = MessageRow & { kind: string; directKey: string | null };

const FROM = `FROM \`Message\` AS \`m\`
  JOIN \`Membership\` AS \`mb\` ON \`mb\`.\`conversationId\` = \`m\`.\`conversationId\` AND \`mb\`.\`userId\` = ?
  JOIN \`Conversation\` AS \`c\` ON \`c\`.\`id\` = \`m\`.\`conversationId\`
  JOIN \`User\` AS \`u\` ON \`u\`.\`id\` = \`m\`.\`senderId\``;

/**
 * Plaintext messages of the user's conversations that hold every word, best match first (then newest):
 * FTS5's bm25 on SQLite, FULLTEXT relevance on MariaDB. Tombstones and encrypted messages have no
 * indexed text, and are excluded again here.
 */
export async function searchMessages(lean: LeanDb, options: SearchOptions): Promise<Message[]> {
  const { userId, words, conversationId, limit, offset } = options;
  if (!words.length) return [];
  const scope = conversationId === undefined ? "" : " AND `m`.`conversationId` = ?";
  const scopeParams = conversationId === undefined ? [] : [conversationId];
  const columns = `${MESSAGE_COLUMNS}, \`c\`.\`kind\`, \`c\`.\`directKey\``;
  let rows: Row[];
  if (lean.flavour === "sqlite") {
    const match = words.map((word) => `"${word}"*`).join(" ");
    rows = await lean.all<Row>(
      `SELECT ${columns} FROM \`MessageSearch\` AS \`s\` JOIN \`Message\` AS \`m\` ON \`m\`.\`id\` = \`s\`.\`rowid\`
       ${FROM.slice(FROM.indexOf("JOIN"))}
       WHERE \`MessageSearch\` MATCH ? AND \`m\`.\`deletedAt\` IS NULL AND \`m\`.\`encrypted\` = 0${scope}
       ORDER BY bm25(\`MessageSearch\`), \`m\`.\`id\` DESC LIMIT ? OFFSET ?`,
      [userId, match, ...scopeParams, limit, offset],
    );
  } else {
    const match = words.map((word) => `+${word}*`).join(" ");
    rows = await lean.all<Row>(
      `SELECT ${columns}, MATCH(\`m\`.\`content\`) AGAINST (? IN BOOLEAN MODE) AS \`score\` ${FROM}
       WHERE MATCH(\`m\`.\`content\`) AGAINST (? IN BOOLEAN MODE) AND \`m\`.\`deletedAt\` IS NULL AND \`m\`.\`encrypted\` = 0${scope}
       ORDER BY \`score\` DESC, \`m\`.\`id\` DESC LIMIT ? OFFSET ?`,
      [match, userId, match, ...scopeParams, limit, offset],
    );
  }
  return decorate(
    lean,
    rows.map((row) => toMessage(row, { id: row.conversationId, kind: row.kind, directKey: row.directKey })),
    rows,
    userId,
  );
}
