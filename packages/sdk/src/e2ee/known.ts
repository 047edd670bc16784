import type { ConversationRecord, KnownMessage } from "./device-store";

/** How many of a conversation's newest messages a device remembers (author, seq, edits) to apply edits and deletions to. */
export const KNOWN_MESSAGES = 500;

/** What the device remembers of a message of the conversation (sent or decrypted here), if anything. */
export function knownMessage(record: ConversationRecord, messageId: number): KnownMessage | undefined {
  return record.known?.[messageId];
}

/** Remembers a message sent or decrypted on this device, forgetting the oldest beyond `KNOWN_MESSAGES`. */
export function remember(record: ConversationRecord, messageId: number, message: KnownMessage): void {
  const known = record.known ?? {};
  record.known = known;
  known[messageId] = message;
  const ids = Object.keys(known);
  if (ids.length <= KNOWN_MESSAGES) return;
  const sorted = ids.map(Number).sort((a, b) => a - b);
  for (const old of sorted.slice(0, ids.length - KNOWN_MESSAGES)) delete known[old];
}

/** Notes an edit (its own message id) of a remembered message: deleting the message erases the edit too. */
export function rememberEdit(record: ConversationRecord, target: number, editId: number, editedAt: string): void {
  const message = knownMessage(record, target);
  if (!message) return;
  message.edits = [...(message.edits ?? []), editId];
  message.editedAt = editedAt;
}
