import type { LeanDb } from "@hestia/db";
import { createCache } from "../../cache/cache";
import type { InvalidationBus } from "../../cache/invalidation";

const TOPIC = "read-receipts";

/**
 * Each user's read-receipts setting, cached per process (receipts go out on every read) and dropped on
 * every process when it changes.
 */
export function createReadPrivacy(lean: LeanDb, bus: InvalidationBus) {
  const settings = createCache<boolean>({ trusted: () => bus.trusted() });
  bus.subscribe((invalidation) => {
    if (!invalidation) settings.clear();
    else if (invalidation.topic === TOPIC) for (const key of invalidation.keys) settings.delete(key);
    // Entries of deleted accounts are never asked for again (they read nothing) and expire with the cache.
  });
  return {
    /** Whether others may see how far this user has read (true for unknown users: nothing to hide). */
    showsReads: (userId: number) =>
      settings.get(String(userId), async () => {
        const row = await lean.get<{ readReceipts: number | boolean }>("SELECT `readReceipts` FROM `User` WHERE `id` = ?", [userId]);
        return row ? Boolean(row.readReceipts) : true;
      }),
    /** The user's setting changed: every process forgets the old one before this resolves. */
    changed: (userId: number) => bus.publish({ topic: TOPIC, keys: [String(userId)] }),
  };
}

export type ReadPrivacy = ReturnType<typeof createReadPrivacy>;
