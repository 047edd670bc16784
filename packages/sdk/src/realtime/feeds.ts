import type { Message } from "@hestia/contracts";

/** A conversation as the realtime API names it: a direct chat with another user, or a group. */
export type Conversation = { kind: "dm"; otherId: number } | { kind: "group"; groupId: number };

export interface HistoryPage {
  after?: number;
  before?: number;
  limit: number;
}

export interface FeedsOptions {
  /** Reads one page of a conversation's history, oldest first. */
  history(conversation: Conversation, page: HistoryPage): Promise<Message[]>;
  /** Hands one message to the application: each message once, in `seq` order per conversation. */
  deliver(conversation: Conversation, message: Message): void;
  /** Told when reading history failed; the feed retries on its own. */
  onError(error: unknown): void;
  /** History page size (default 100, the API's maximum). */
  pageSize?: number;
  /** First delay before a failed catch-up is retried, doubled up to 30 s (default 1 s). */
  retryDelayMs?: number;
}

interface Feed {
  conversation: Conversation;
  /** The last message delivered, or 0 / undefined before any. */
  lastSeq: number;
  lastId: number | undefined;
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
 * delivered is dropped. `catchUp` reads every known conversation's history after its last delivered
 * message, which is what a client does after its connection was lost.
 */
export function createFeeds(options: FeedsOptions) {
  const feeds = new Map<string, Feed>();
  const pageSize = options.pageSize ?? 100;
  const initialRetryDelay = options.retryDelayMs ?? 1_000;
  let retriesEnabled = true;

  function take(feed: Feed, message: Message): number {
    if (message.seq <= feed.lastSeq) return 0;
    feed.lastSeq = message.seq;
    feed.lastId = message.id;
    options.deliver(feed.conversation, message);
    return 1;
  }

  /** Delivers everything stored after the feed's last message. */
  async function fill(feed: Feed): Promise<number> {
    let delivered = 0;
    if (feed.lastId === undefined) {
      // Nothing delivered yet: read back from the newest message to the first one.
      const pages: Message[][] = [];
      let before: number | undefined;
      for (;;) {
        const page = await options.history(feed.conversation, { before, limit: pageSize });
        pages.unshift(page);
        if (page.length < pageSize || !page[0]) break;
        before = page[0].id;
      }
      for (const message of pages.flat()) delivered += take(feed, message);
      return delivered;
    }
    for (;;) {
      const page = await options.history(feed.conversation, { after: feed.lastId, limit: pageSize });
      for (const message of page) delivered += take(feed, message);
      if (page.length < pageSize) return delivered;
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
   * Fills a feed now; on failure reports it and tries again later, so a stored message is never left
   * behind. Resolves with how many messages were delivered, or undefined when reading failed.
   */
  async function fillNow(feed: Feed): Promise<number | undefined> {
    clearTimeout(feed.retryTimer);
    feed.retryTimer = undefined;
    try {
      const delivered = await fill(feed);
      feed.retryDelayMs = initialRetryDelay;
      return delivered;
    } catch (error) {
      options.onError(error);
      scheduleRetry(feed);
      return undefined;
    }
  }

  const fillInTurn = (feed: Feed) => enqueue(feed, () => fillNow(feed));

  function scheduleRetry(feed: Feed): void {
    if (!retriesEnabled || feed.retryTimer || feeds.get(conversationKey(feed.conversation)) !== feed) return;
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

  return {
    /** A message that arrived live. */
    receive(conversation: Conversation, message: Message): void {
      const existing = feeds.get(conversationKey(conversation));
      if (!existing) {
        take(open(conversation, undefined), message);
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
      retriesEnabled = true;
      const counts = await Promise.all([...feeds.values()].map(fillInTurn));
      return counts.reduce<number>((sum, count) => sum + (count ?? 0), 0);
    },

    /** Stops retrying until the next catch-up (while there is no connection to read history over). */
    pause(): void {
      retriesEnabled = false;
      for (const feed of feeds.values()) {
        clearTimeout(feed.retryTimer);
        feed.retryTimer = undefined;
      }
    },

    clear(): void {
      this.pause();
      feeds.clear();
    },

    get size(): number {
      return feeds.size;
    },
  };
}

export type Feeds = ReturnType<typeof createFeeds>;
