import type { Attachment, Message } from "@hestia/contracts";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import type { AppendOutcome } from "../messages/store/message-store";
import { ATTACHMENT_COLUMNS, type AttachmentRow, toAttachment } from "./attachment-row";

export const attachmentNotFound = () => new AppError("NOT_FOUND", "Attachment not found");

const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");

/**
 * An attachment the user may see, or a 404 exactly like a missing one: its uploader sees it; members of
 * the conversation it was sent to see it once its message is on its way (state sending or sent).
 */
export async function visibleAttachment(deps: Deps, userId: number, id: number): Promise<AttachmentRow> {
  const row = await deps.lean.get<AttachmentRow>(`SELECT ${ATTACHMENT_COLUMNS} FROM \`Attachment\` WHERE \`id\` = ?`, [id]);
  if (!row) throw attachmentNotFound();
  if (row.ownerId === userId) return row;
  if (row.state === "pending" || row.conversationId === null) throw attachmentNotFound();
  if (!(await deps.access.membership(row.conversationId, userId))) throw attachmentNotFound();
  return row;
}

export async function describeAttachment(deps: Deps, actor: Actor, id: number): Promise<Attachment> {
  return toAttachment(await visibleAttachment(deps, actor.id, id), deps.config.publicUrl);
}

/** Bytes a user's attachments take, pending and sent. */
export async function storageUsed(deps: Deps, userId: number): Promise<number> {
  const row = await deps.lean.get<{ used: number | string | bigint | null }>(
    "SELECT COALESCE(SUM(`size`), 0) AS `used` FROM `Attachment` WHERE `ownerId` = ?",
    [userId],
  );
  return Number(row?.used ?? 0);
}

/**
 * Stores a message that sends attachments: the sender's own pending uploads are claimed for the
 * conversation before the message is appended (so its members can fetch them as soon as it is
 * announced), tied to the message once stored, and released if the send fails. A retried send (same
 * idempotency key) answers the original message with its attachments.
 */
export async function appendWithAttachments(
  deps: Deps,
  actor: Actor,
  conversationId: number,
  input: { attachments?: number[]; idempotencyKey?: string },
  append: () => Promise<AppendOutcome>,
): Promise<AppendOutcome> {
  const ids = input.attachments;
  if (!ids?.length) return append();
  if (input.idempotencyKey !== undefined) {
    const earlier = await deps.lean.get<{ id: number }>("SELECT `id` FROM `Message` WHERE `senderId` = ? AND `idempotencyKey` = ?", [
      actor.id,
      input.idempotencyKey,
    ]);
    if (earlier) return withAttachments(deps, await append());
  }
  const claimed = await deps.lean.run(
    `UPDATE \`Attachment\` SET \`state\` = 'sending', \`conversationId\` = ? WHERE \`ownerId\` = ? AND \`state\` = 'pending' AND \`id\` IN (${placeholders(ids.length)})`,
    [conversationId, actor.id, ...ids],
  );
  const release = () =>
    deps.lean.run(
      `UPDATE \`Attachment\` SET \`state\` = 'pending', \`conversationId\` = NULL WHERE \`ownerId\` = ? AND \`state\` = 'sending' AND \`messageId\` IS NULL AND \`id\` IN (${placeholders(ids.length)})`,
      [actor.id, ...ids],
    );
  if (claimed.changes !== ids.length) {
    await release();
    throw new AppError("BAD_REQUEST", "attachments must be ids of your own uploads that were not sent yet (uploads expire after a day)");
  }
  let outcome: AppendOutcome;
  try {
    outcome = await append();
  } catch (error) {
    await release();
    throw error;
  }
  if (outcome.status !== "stored") {
    await release();
    return withAttachments(deps, outcome);
  }
  await deps.lean.run(
    `UPDATE \`Attachment\` SET \`state\` = 'sent', \`messageId\` = ?, \`conversationId\` = ? WHERE \`ownerId\` = ? AND \`id\` IN (${placeholders(ids.length)})`,
    [outcome.message.id, conversationId, actor.id, ...ids],
  );
  // In upload order (ids ascending), as history lists them.
  const rows = (await rowsOf(deps, ids)).sort((a, b) => a.id - b.id);
  outcome.message.attachments = rows.map((row) => toAttachment(row, deps.config.publicUrl));
  return outcome;
}

async function rowsOf(deps: Deps, ids: number[]): Promise<AttachmentRow[]> {
  return deps.lean.all<AttachmentRow>(
    `SELECT ${ATTACHMENT_COLUMNS} FROM \`Attachment\` WHERE \`id\` IN (${placeholders(ids.length)})`,
    ids,
  );
}

async function withAttachments(deps: Deps, outcome: AppendOutcome): Promise<AppendOutcome> {
  if (outcome.status !== "refused") await listAttachments(deps, [outcome.message]);
  return outcome;
}

/** Adds to each message (tombstones excepted) the attachments it sent, with one query for the whole page. */
export async function listAttachments(deps: Deps, messages: Message[]): Promise<Message[]> {
  const ids = messages.filter((message) => !message.deletedAt).map((message) => message.id);
  if (!ids.length) return messages;
  const rows = await deps.lean.all<AttachmentRow>(
    `SELECT ${ATTACHMENT_COLUMNS} FROM \`Attachment\` WHERE \`messageId\` IN (${placeholders(ids.length)}) AND \`state\` = 'sent' ORDER BY \`id\``,
    ids,
  );
  if (!rows.length) return messages;
  const byMessage = new Map<number, Attachment[]>();
  for (const row of rows) {
    const list = byMessage.get(row.messageId as number) ?? [];
    list.push(toAttachment(row, deps.config.publicUrl));
    byMessage.set(row.messageId as number, list);
  }
  for (const message of messages) {
    const list = byMessage.get(message.id);
    if (list) message.attachments = list;
  }
  return messages;
}

/** Storage keys of some attachments' files and thumbnails. */
function keysOf(rows: { storageKey: string; thumbnailKey: string | null }[]): string[] {
  return rows.flatMap((row) => (row.thumbnailKey ? [row.storageKey, row.thumbnailKey] : [row.storageKey]));
}

/** Deletes blobs; one that cannot be deleted now is logged and left to the orphan sweep. */
export async function deleteBlobs(deps: Pick<Deps, "blobs" | "logger">, keys: string[]): Promise<void> {
  for (const key of keys) {
    try {
      await deps.blobs.delete(key);
    } catch (error) {
      deps.logger.warn({ err: error, key }, "could not delete an attachment file; the sweep will");
    }
  }
}

/** Deletes attachments (rows first, so nothing serves them, then their files). */
export async function discardAttachments(deps: Deps, where: { messageId: number } | { ids: number[] }): Promise<void> {
  const rows =
    "messageId" in where
      ? await deps.lean.all<AttachmentRow>(`SELECT ${ATTACHMENT_COLUMNS} FROM \`Attachment\` WHERE \`messageId\` = ?`, [where.messageId])
      : where.ids.length
        ? await rowsOf(deps, where.ids)
        : [];
  if (!rows.length) return;
  await deps.lean.run(
    `DELETE FROM \`Attachment\` WHERE \`id\` IN (${placeholders(rows.length)})`,
    rows.map((row) => row.id),
  );
  await deleteBlobs(deps, keysOf(rows));
}

/** Storage keys of every file a user uploaded (read before the account's rows cascade away). */
export async function filesOfUser(deps: Deps, userId: number): Promise<string[]> {
  return keysOf(
    await deps.lean.all<{ storageKey: string; thumbnailKey: string | null }>(
      "SELECT `storageKey`, `thumbnailKey` FROM `Attachment` WHERE `ownerId` = ?",
      [userId],
    ),
  );
}
