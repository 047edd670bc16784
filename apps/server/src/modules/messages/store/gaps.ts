import type { LeanDb } from "@hestia/db";

/**
 * Records the seqs of a user's messages as gaps before the account (and with it, by cascade, its
 * messages) is deleted, so that the other members' unread counts forget them. Tombstones need no call:
 * a trigger records them (see the inbox migration).
 */
export async function recordErasedSender(lean: LeanDb, userId: number): Promise<void> {
  const ignore = lean.flavour === "sqlite" ? "OR IGNORE" : "IGNORE";
  await lean.run(
    `INSERT ${ignore} INTO \`MessageGap\` (\`conversationId\`, \`seq\`) SELECT \`conversationId\`, \`seq\` FROM \`Message\` WHERE \`senderId\` = ?`,
    [userId],
  );
}
