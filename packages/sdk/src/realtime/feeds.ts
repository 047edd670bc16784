import type { Message } from "@hestia/contracts";

/** A conversation as the realtime API names it: a direct chat with another user, or a group. */
export type Conversation = { kind: "dm"; otherId: number } | { kind: "group"; groupId: number };

export interface HistoryPage {
  after?: number;
  before?: number;
  limit: number;
}

/**
 * What to do when reading history failed: try again later, read again without the cursor (its
 * message is gone), or stop following the conversation (it is no longer readable).
 */
export type FailureAction = "retry" | "reanchor" | "stop";

export interface FeedsOptions {
  /** Reads one page of a conversation's history, oldest first. */
  history(conversation: Conversation, page: HistoryPage): Promise<Message[]>;
  /** Hands one message to the application: each message once, in `seq` order per conversation. */
  deliver(conversation: Conversation, message: Message): void;
  /** Told when reading history failed. */
  onError(error: unknown): void;
  /** Decides what a failed history read means (default: retry). */
  classify?(error: unknown): FailureAction;
  /**
   * When this client started listening (server time, ms): in a conversation first seen live, the
   * messages created since then are delivered too, before the one that revealed it. Undefined: only
   * what arrives.
   */
  since?: () => number | undefined;
  /** History page size (default 100, the API's maximum). */
  pageSize?: number;
  /** First delay before a failed read is retried, doubled up to 30 s (default 1 s). */
  retryDelayMs?: number;
}

interface Feed {
  conversation: Conversation;
  /** The last message delivered (seq 0 and no id before any). */
  lastSeq: number;
  lastId: number | undefined;
  /** Without a last message: deliver only messages created at or after this time (ms). */
  floor?: number;
  /** Work on this feed runs one step at a time, in arrival order. */
  tail: Promise<void>;
  retryDelayMs: number;
  retryTimer?: ReturnType<typeof setTimeout>;
}

export function conversationKey(conversation: Conversation): string {
  return conversation.kind === "dm" ? `dm:${conversation.otherId}` : `group:${conversation.groupId}`;
}

/**
 * Exactly-once, in-order delivery per conversation. Live messages pass through `receive`; one that
 * skips ahead of the last delivered `seq` makes the feed read the gap from history first; one already
 * delivered is dropped. `catchUp` reads every followed conversation's history after its last delivered
 * message, which is what a client does after its connection was lost.
 */
export function createFeeds(options: FeedsOptions) {
  const feeds = new Map<string, Feed>();
  const pageSize = options.pageSize ?? 100;
  const initialRetryDelay = options.retryDelayMs ?? 1_000;
  const classify = options.classify ?? (() => "retry" as const);
  let retriesEnabled = true;

  const isCurrent = (feed: Feed) => feeds.get(conversationKey(feed.conversation)) === feed;

  const createdAt = (message: Message) => Date.parse(message.createdAt);

  function take(feed: Feed, message: Message): number {
    // A forgotten feed delivers nothing more, even from a read that was already under way.
    if (message.seq <= feed.lastSeq || !isCurrent(feed)) return 0;
    if (feed.lastId === undefined && feed.floor !== undefined && createdAt(message) < feed.floor) return 0;
    feed.lastSeq = message.seq;
    feed.lastId = message.id;
    options.deliver(feed.conversation, message);
    return 1;
  }

  /** Delivers everything stored after the feed's last message. */
  async function fill(feed: Feed): Promise<number> {
    let delivered = 0;
    if (feed.lastId === undefined) {
      // No cursor: read back from the newest message until the last one delivered (or the first).
      const pages: Message[][] = [];
      let before: number | undefined;
      for (;;) {
        const page = await options.history(feed.conversation, { before, limit: pageSize });
        pages.unshift(page);
        const oldest = page[0];
        const reachedFloor = feed.floor !== undefined && oldest !== undefined && createdAt(oldest) < feed.floor;
        if (page.length < pageSize || !oldest || oldest.seq <= feed.lastSeq + 1 || reachedFloor || !isCurrent(feed)) break;
        before = oldest.id;
      }
      for (const message of pages.flat()) delivered += take(feed, message);
      return delivered;
    }
    let after = feed.lastId;
    for (;;) {
      const page = await options.history(feed.conversation, { after, limit: pageSize });
      for (const message of page) delivered += take(feed, message);
      const newest = page.at(-1);
      if (page.length < pageSize || !newest || !isCurrent(feed)) return delivered;
      after = newest.id;
    }
  }

  function enqueue<T>(feed: Feed, step: () => Promise<T>): Promise<T> {
    const result = feed.tail.then(step);
    feed.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * Fills a feed now. Resolves with how many messages were delivered, or undefined when reading
   * failed; then the failure is reported and, unless the conversation is no longer readable, the
   * read is retried later, so a stored message is never left behind.
   */
  async function fillNow(feed: Feed): Promise<number | undefined> {
    clearTimeout(feed.retryTimer);
    feed.retryTimer = undefined;
    for (let reanchored = false; ; reanchored = true) {
      try {
        const delivered = await fill(feed);
        feed.retryDelayMs = initialRetryDelay;
        return delivered;
      } catch (error) {
        const action = classify(error);
        if (action === "reanchor" && !reanchored && feed.lastId !== undefined) {
          // The cursor's message is gone: find the place again by seq.
          feed.lastId = undefined;
          continue;
        }
        options.onError(error);
        if (action === "stop") {
          if (isCurrent(feed)) feeds.delete(conversationKey(feed.conversation));
        } else {
          scheduleRetry(feed);
        }
        return undefined;
      }
    }
  }

  const fillInTurn = (feed: Feed) => enqueue(feed, () => fillNow(feed));

  function scheduleRetry(feed: Feed): void {
    if (!retriesEnabled || feed.retryTimer || !isCurrent(feed)) return;
    feed.retryTimer = setTimeout(() => {
      feed.retryTimer = undefined;
      void fillInTurn(feed);
    }, feed.retryDelayMs);
    feed.retryDelayMs = Math.min(feed.retryDelayMs * 2, 30_000);
  }

  function open(conversation: Conversation, last: { seq: number; id: number } | undefined): Feed {
    const feed: Feed = {
      conversation,
      lastSeq: last?.seq ?? 0,
      lastId: last?.id,
      tail: Promise.resolve(),
      retryDelayMs: initialRetryDelay,
    };
    feeds.set(conversationKey(conversation), feed);
    return feed;
  }

  function stopRetries(): void {
    for (const feed of feeds.values()) {
      clearTimeout(feed.retryTimer);
      feed.retryTimer = undefined;
    }
  }

  return {
    /** A message that arrived live. */
    receive(conversation: Conversation, message: Message): void {
      const existing = feeds.get(conversationKey(conversation));
      if (!existing) {
        const feed = open(conversation, undefined);
        const since = options.since?.();
        if (message.seq === 1 || since === undefined) {
          take(feed, message);
          return;
        }
        // First seen now: messages created since this client started listening may still be on their
        // way (from another server process); read them, then deliver in order.
        feed.floor = since;
        void enqueue(feed, async () => {
          if ((await fillNow(feed)) !== undefined) take(feed, message);
        });
        return;
      }
      void enqueue(existing, async () => {
        if (message.seq <= existing.lastSeq + 1) {
          take(existing, message);
          return;
        }
        // A gap: read it from history (which holds this message too). If that fails, the retry will.
        if ((await fillNow(existing)) !== undefined) take(existing, message);
      });
    },

    /**
     * Starts following a conversation whose latest message is `last` (none: it is empty), unless it is
     * followed already. Later catch-ups deliver what comes after it.
     */
    follow(conversation: Conversation, last: Message | undefined): void {
      if (!feeds.has(conversationKey(conversation))) open(conversation, last);
    },

    /** Stops following a conversation. */
    forget(conversation: Conversation): void {
      const key = conversationKey(conversation);
      clearTimeout(feeds.get(key)?.retryTimer);
      feeds.delete(key);
    },

    /** Reads what every followed conversation missed; resolves with how many messages were delivered. */
    async catchUp(): Promise<number> {
      const counts = await Promise.all([...feeds.values()].map(fillInTurn));
      return counts.reduce<number>((sum, count) => sum + (count ?? 0), 0);
    },

    /** Stops retrying failed reads (while there is no connection to read history over). */
    pause(): void {
      retriesEnabled = false;
      stopRetries();
    },

    /** Allows retries again (once connected). */
    resume(): void {
      retriesEnabled = true;
    },

    /** Forgets every conversation. */
    clear(): void {
      stopRetries();
      feeds.clear();
    },

    get size(): number {
      return feeds.size;
    },
  };
}

export type Feeds = ReturnType<typeof createFeeds>;
