import { REACTIONS_PER_USER_MAX } from "@hestia/contracts";
import type { LeanDb } from "@hestia/db";
import { all, nextChangeSeq, Rollback, run, type Steps, transact } from "./steps";

/** What became of an edit: done (with the new changeSeq), or refused because the message is a tombstone. */
export type EditOutcome = { status: "edited"; changeSeq: number; editedAt: Date } | { status: "deleted" };

/**
 * Replaces a message's text, keeping the text it had in its edit history, and gives it the conversation's
 * next changeSeq. The conversation's row is taken first, as every writer of a conversation does.
 */
export function editMessage(lean: LeanDb, message: { id: number; conversationId: number }, content: string): Promise<EditOutcome> {
  return transact(lean, function* (): Steps<EditOutcome> {
    const changeSeq = yield* nextChangeSeq(message.conversationId);
    const [row] = yield* all<{ content: string | null; deletedAt: unknown }>(
      "SELECT `content`, `deletedAt` FROM `Message` WHERE `id` = ?",
      [message.id],
    );
    if (!row || row.deletedAt !== null || row.content === null) throw new Rollback<EditOutcome>({ status: "deleted" });
    const editedAt = new Date();
    yield* run("INSERT INTO `MessageEdit` (`messageId`, `content`, `editedAt`) VALUES (?, ?, ?)", [message.id, row.content, editedAt]);
    yield* run("UPDATE `Message` SET `content` = ?, `editedAt` = ?, `changeSeq` = ? WHERE `id` = ?", [
      content,
      editedAt,
      changeSeq,
      message.id,
    ]);
    return { status: "edited", changeSeq, editedAt };
  });
}

/**
 * Deletes a message for everyone, leaving a tombstone: the row keeps its id, seq and idempotency key (a
 * retried send answers the tombstone) and takes the conversation's next changeSeq; its text, ciphertext,
 * edit history, reactions and mentions are erased (a trigger records the gap for unread counts). Answers
 * the new changeSeq, or undefined when the message was already a tombstone (nothing changes then).
 */
export function tombstone(lean: LeanDb, message: { id: number; conversationId: number }, at: Date): Promise<number | undefined> {
  return transact(lean, function* (): Steps<number | undefined> {
    const changeSeq = yield* nextChangeSeq(message.conversationId);
    const changed = yield* run(
      "UPDATE `Message` SET `deletedAt` = ?, `content` = NULL, `ciphertext` = NULL, `editedAt` = NULL, `changeSeq` = ? WHERE `id` = ? AND `deletedAt` IS NULL",
      [at, changeSeq, message.id],
    );
    if (!changed) throw new Rollback(undefined);
    yield* run("DELETE FROM `MessageEdit` WHERE `messageId` = ?", [message.id]);
    yield* run("DELETE FROM `Reaction` WHERE `messageId` = ?", [message.id]);
    yield* run("DELETE FROM `Mention` WHERE `messageId` = ?", [message.id]);
    return changeSeq;
  });
}

/** What became of a reaction change: done or changed nothing (idempotent), or refused. */
export type ReactionOutcome =
  | { status: "changed"; changeSeq: number }
  | { status: "unchanged" }
  | { status: "deleted" }
  | { status: "too-many" };

/** Adds or takes back one user's reaction with one emoji; a change gives the message the conversation's next changeSeq. */
export function setReaction(
  lean: LeanDb,
  message: { id: number; conversationId: number },
  userId: number,
  emoji: string,
  added: boolean,
): Promise<ReactionOutcome> {
  return transact(lean, function* (): Steps<ReactionOutcome> {
    const changeSeq = yield* nextChangeSeq(message.conversationId);
    const [row] = yield* all<{ deletedAt: unknown }>("SELECT `deletedAt` FROM `Message` WHERE `id` = ?", [message.id]);
    if (!row || row.deletedAt !== null) throw new Rollback<ReactionOutcome>({ status: "deleted" });
    const mine = yield* all<{ emoji: string }>("SELECT `emoji` FROM `Reaction` WHERE `messageId` = ? AND `userId` = ?", [
      message.id,
      userId,
    ]);
    const has = mine.some((reaction) => reaction.emoji === emoji);
    if (has === added) throw new Rollback<ReactionOutcome>({ status: "unchanged" });
    if (added) {
      if (mine.length >= REACTIONS_PER_USER_MAX) throw new Rollback<ReactionOutcome>({ status: "too-many" });
      yield* run("INSERT INTO `Reaction` (`messageId`, `userId`, `emoji`, `createdAt`) VALUES (?, ?, ?, ?)", [
        message.id,
        userId,
        emoji,
        new Date(),
      ]);
    } else {
      yield* run("DELETE FROM `Reaction` WHERE `messageId` = ? AND `userId` = ? AND `emoji` = ?", [message.id, userId, emoji]);
    }
    yield* run("UPDATE `Message` SET `changeSeq` = ? WHERE `id` = ?", [changeSeq, message.id]);
    return { status: "changed", changeSeq };
  });
}

/** A message's earlier versions, oldest first. */
export function editHistory(lean: LeanDb, messageId: number): Promise<{ content: string; editedAt: unknown }[]> {
  return lean.all("SELECT `content`, `editedAt` FROM `MessageEdit` WHERE `messageId` = ? ORDER BY `id`", [messageId]);
}
