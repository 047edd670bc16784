import { randomBytes } from "node:crypto";
import type { Logger } from "../logger";
import type { RedisConnection } from "../realtime/redis";

/** A change that makes cached answers about these keys wrong. */
export interface Invalidation {
  topic: string;
  keys: string[];
}

export interface InvalidationBus {
  /**
   * Applies a change to this process's caches, then tells every other process and waits until each has
   * applied it too (at most `ackTimeoutMs`): once this resolves, no process answers from the old value.
   */
  publish(invalidation: Invalidation): Promise<void>;
  /** Handlers that drop cached entries; each also runs with `undefined` to drop everything. */
  subscribe(handler: (invalidation: Invalidation | undefined) => void): void;
  /**
   * Whether cached answers may be used now: false while the link to the other processes is down (their
   * changes would go unheard); when it returns, every cache is emptied before it is trusted again.
   */
  trusted(): boolean;
  close(): Promise<void>;
}

interface Envelope extends Invalidation {
  id: string;
  origin: string;
}

const ACK_TIMEOUT_MS = 1_000;

function localBus(): InvalidationBus {
  const handlers: ((invalidation: Invalidation | undefined) => void)[] = [];
  return {
    async publish(invalidation) {
      for (const handler of handlers) handler(invalidation);
    },
    subscribe: (handler) => void handlers.push(handler),
    trusted: () => true,
    close: async () => {},
  };
}

/**
 * Invalidations for one process, or (with Redis) for every process of a deployment: published on one
 * channel, acknowledged by each receiver on the publisher's own channel. PUBLISH answers how many
 * subscribers received a message, so the publisher knows how many acknowledgements to wait for.
 */
export async function createInvalidationBus(
  redis: RedisConnection | undefined,
  prefix: string,
  logger: Logger,
  options: { ackTimeoutMs?: number } = {},
): Promise<InvalidationBus> {
  if (!redis) return localBus();
  const origin = randomBytes(8).toString("hex");
  const channel = `${prefix}:invalidate`;
  const ackChannel = (process: string) => `${prefix}:invalidate-ack:${process}`;
  const ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
  /** Publications waiting for acknowledgements; `expected` is known once PUBLISH answered. */
  const waiting = new Map<string, { received: number; expected?: number; done(): void }>();
  const check = (id: string) => {
    const entry = waiting.get(id);
    if (entry?.expected !== undefined && entry.received >= entry.expected) entry.done();
  };
  let linked = redis.subscriber.isReady;

  const dropAll = () => {
    for (const handler of handlers) handler(undefined);
  };
  const handlers: ((invalidation: Invalidation | undefined) => void)[] = [];
  redis.subscriber.on("ready", () => {
    linked = true;
    // Changes made while the link was down were not heard here.
    dropAll();
  });
  redis.subscriber.on("error", () => {
    linked = false;
  });
  redis.subscriber.on("end", () => {
    linked = false;
  });

  await redis.subscriber.subscribe(channel, (text) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin === origin) return;
    for (const handler of handlers) handler(envelope);
    redis.client.publish(ackChannel(envelope.origin), envelope.id).catch((error: unknown) => {
      logger.warn({ err: error }, "could not acknowledge a cache invalidation");
    });
  });
  await redis.subscriber.subscribe(ackChannel(origin), (id) => {
    const entry = waiting.get(id);
    if (!entry) return;
    entry.received += 1;
    check(id);
  });

  return {
    subscribe(handler) {
      handlers.push(handler);
    },
    trusted: () => linked,
    async publish(invalidation) {
      for (const handler of handlers) handler(invalidation);
      const id = randomBytes(8).toString("hex");
      const acknowledged = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          logger.warn({ topic: invalidation.topic }, "not every process acknowledged a cache invalidation in time");
          resolve();
        }, ackTimeoutMs);
        waiting.set(id, {
          received: 0,
          done: () => {
            clearTimeout(timer);
            waiting.delete(id);
            resolve();
          },
        });
      });
      let receivers: number;
      try {
        receivers = await redis.client.publish(channel, JSON.stringify({ ...invalidation, id, origin } satisfies Envelope));
      } catch (error) {
        // The others cannot be told; while their own link is down they do not trust their caches either.
        logger.warn({ err: error, topic: invalidation.topic }, "could not publish a cache invalidation");
        waiting.get(id)?.done();
        return;
      }
      const entry = waiting.get(id);
      // Every subscriber but this process's own acknowledges (some may have done so already).
      if (entry) entry.expected = receivers - 1;
      check(id);
      await acknowledged;
    },
    async close() {
      for (const entry of waiting.values()) entry.done();
    },
  };
}
