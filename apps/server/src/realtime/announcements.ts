import type { Logger } from "../logger";
import type { RedisClient } from "./redis";

/**
 * Which stored messages were passed on to their audience. A process can die between the commit of a
 * message and its broadcast; the sender then retries with the same idempotency key, and the message that
 * was never announced must be announced then — but one that was must not reach the same sockets twice.
 *
 * Each process remembers what it announced recently; with Redis, so does every other process (the ids
 * of one event-loop turn are written in one pipeline, kept ten minutes). A retry that finds no record
 * (the process died before announcing, or Redis cannot answer) announces the message.
 */
export interface Announcements {
  /** The message was passed on. */
  record(messageId: number): void;
  /** Whether the message is known to have been passed on. */
  seen(messageId: number): Promise<boolean>;
}

const REMEMBERED = 50_000;
const KEPT_MS = 10 * 60_000;

export function createAnnouncements(shared: { client: RedisClient; prefix: string } | undefined, logger: Logger): Announcements {
  const recent = new Set<number>();
  let pending: number[] = [];
  const key = (messageId: number) => `${shared?.prefix}:announced:${messageId}`;
  const flush = () => {
    const ids = pending;
    pending = [];
    if (!shared) return;
    const batch = shared.client.multi();
    for (const id of ids) batch.set(key(id), "1", { PX: KEPT_MS });
    batch.execAsPipeline().catch((error: unknown) => logger.debug({ err: error }, "could not record announced messages in Redis"));
  };
  return {
    record(messageId) {
      recent.add(messageId);
      // A Set iterates in insertion order: the first entry is the oldest.
      if (recent.size > REMEMBERED) recent.delete(recent.values().next().value as number);
      if (!shared) return;
      if (pending.length === 0) setImmediate(flush);
      pending.push(messageId);
    },
    async seen(messageId) {
      if (recent.has(messageId)) return true;
      if (!shared) return false;
      return shared.client.exists(key(messageId)).then(
        (count) => count > 0,
        () => false,
      );
    },
  };
}
