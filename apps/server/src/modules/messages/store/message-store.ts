import { HISTORY_DEFAULT_LIMIT, type Message } from "@hestia/contracts";
import type { LeanDb } from "@hestia/db";
import { createGroupCommit, type Settled } from "../group-commit";
import type { Append, AppendOutcome, HistoryOptions } from "./append";
import { MESSAGE_COLUMNS } from "./append";
import type { Write, WriteOutcome } from "./batch";
import type { CursorMove, CursorOutcome } from "./cursor";
import { attachReplies, reactionsOf } from "./decorate";
import { attachMentions } from "./mentions";
import { type ConversationRef, type MessageRow, toMessage } from "./message-row";
import { writeMariaDbBatch } from "./write-mariadb";
import { writeSqliteBatch } from "./write-sqlite";

export interface MessageStore {
  /**
   * Stores a message with the next `seq` of its conversation. Concurrent appends are written together
   * in one transaction per event-loop turn (group commit); each resolves after that commit.
   */
  append(input: Append, options?: AppendOptions): Promise<AppendOutcome>;
  /** Moves a member's read or delivered cursor, in the same group commit as the appends. */
  moveCursor(move: CursorMove): Promise<CursorOutcome>;
  /** One page of a conversation's history, oldest first; `undefined` when the cursor is not a message of it. */
  history(conversation: ConversationRef, options: HistoryOptions): Promise<Message[] | undefined>;
  /** Waits for appends under way. */
  drain(): Promise<void>;
}

export type { Append, AppendOutcome, HistoryOptions } from "./append";
export type { CursorMove, CursorOutcome } from "./cursor";

export interface AppendOptions {
  /** Called once the message holds its place in the order of writes, before it is written. */
  onQueued?: () => void;
}

export type BatchWriter = (items: Write[]) => Promise<Settled<WriteOutcome>[]>;

export interface MessageStoreOptions {
  /** Told the size of every batch written (metrics). */
  onBatch?: (size: number) => void;
  /** Told the size and duration (seconds) of every batch once its transaction ended (metrics). */
  onCommit?: (size: number, seconds: number) => void;
}

/** The one module that stores and reads messages, on lean prepared statements. */
export function createMessageStore(lean: LeanDb, options: MessageStoreOptions = {}): MessageStore {
  const writeBatch: BatchWriter =
    lean.flavour === "sqlite" ? (items) => writeSqliteBatch(lean, items) : (items) => writeMariaDbBatch(lean, items);
  const { onCommit } = options;
  const write: BatchWriter = onCommit
    ? async (items) => {
        const started = performance.now();
        try {
          return await writeBatch(items);
        } finally {
          onCommit(items.length, (performance.now() - started) / 1000);
        }
      }
    : writeBatch;
  const commits = createGroupCommit(write, { onBatch: options.onBatch });
  return {
    async append(input, options) {
      const written = await commits.push({ type: "append", append: input }, options?.onQueued);
      if (written.type !== "append") throw new Error("an append was answered as a cursor move");
      return written.outcome;
    },
    async moveCursor(move) {
      const written = await commits.push({ type: "cursor", move });
      if (written.type !== "cursor") throw new Error("a cursor move was answered as an append");
      return written.outcome;
    },
    drain: () => commits.drain(),
    async history(conversation, options) {
      const limit = options.limit ?? HISTORY_DEFAULT_LIMIT;
      const cursorId = options.before ?? options.after;
      let filter = "";
      const params: number[] = [conversation.id];
      if (cursorId !== undefined) {
        const cursor = await lean.get<{ seq: number }>("SELECT `seq` FROM `Message` WHERE `id` = ? AND `conversationId` = ?", [
          cursorId,
          conversation.id,
        ]);
        if (!cursor) return undefined;
        filter = options.before !== undefined ? " AND `m`.`seq` < ?" : " AND `m`.`seq` > ?";
        params.push(cursor.seq);
      }
      const newestFirst = options.after === undefined;
      params.push(limit);
      const rows = await lean.all<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM \`Message\` AS \`m\` JOIN \`User\` AS \`u\` ON \`u\`.\`id\` = \`m\`.\`senderId\`
         WHERE \`m\`.\`conversationId\` = ?${filter} ORDER BY \`m\`.\`seq\` ${newestFirst ? "DESC" : "ASC"} LIMIT ?`,
        params,
      );
      if (newestFirst) rows.reverse();
      const messages = await attachMentions(
        lean,
        conversation.id,
        rows.map((row) => toMessage(row, conversation)),
      );
      await attachReplies(lean, messages, rows);
      if (options.viewerId !== undefined) {
        const live = messages.filter((message) => !message.deletedAt).map((message) => message.id);
        const reactions = await reactionsOf(lean, live, options.viewerId);
        for (const message of messages) {
          const list = reactions.get(message.id);
          if (list) message.reactions = list;
        }
      }
      return messages;
    },
  };
}
