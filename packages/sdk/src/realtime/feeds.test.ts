import type { Message } from "@hestia/contracts";
import { describe, expect, it, vi } from "vitest";
import { type Conversation, createFeeds, type HistoryPage } from "./feeds";

const dm: Conversation = { kind: "dm", otherId: 2 };

/** Message `seq` was created at second `seq` of the epoch. */
function message(seq: number): Message {
  return {
    id: seq * 10,
    seq,
    content: `m${seq}`,
    createdAt: new Date(seq * 1000).toISOString(),
    userId: 2,
    username: "bob",
    conversationId: 1,
    recipientId: 1,
    encrypted: false,
  };
}

/** A conversation whose stored history is messages 1..stored, read like the server pages it. */
function setup(
  stored: number,
  options: { failures?: number; pageSize?: number; retryDelayMs?: number; gone?: number[]; unreadable?: boolean; since?: number } = {},
) {
  let failures = options.failures ?? 0;
  const all = Array.from({ length: stored }, (_, i) => message(i + 1)).filter((m) => !options.gone?.includes(m.seq));
  const pages: HistoryPage[] = [];
  const delivered: number[] = [];
  const errors: unknown[] = [];
  const feeds = createFeeds({
    pageSize: options.pageSize ?? 3,
    retryDelayMs: options.retryDelayMs ?? 5,
    async history(_conversation, page) {
      pages.push(page);
      if (failures > 0) {
        failures -= 1;
        throw new Error("offline");
      }
      if (options.unreadable) throw new Error("not found");
      const cursor = page.after ?? page.before;
      if (cursor !== undefined && !all.some((m) => m.id === cursor)) throw new Error("cursor gone");
      if (page.after !== undefined) return all.filter((m) => m.id > page.after!).slice(0, page.limit);
      const older = page.before === undefined ? all : all.filter((m) => m.id < page.before!);
      return older.slice(-page.limit);
    },
    deliver: (_conversation, m) => delivered.push(m.seq),
    since: () => options.since,
    onError: (error) => errors.push(error),
    classify: (error) =>
      (error as Error).message === "cursor gone" ? "reanchor" : (error as Error).message === "not found" ? "stop" : "retry",
  });
  return { feeds, pages, delivered, errors, all };
}

describe("createFeeds", () => {
  it("delivers in order, drops duplicates, and reads a gap from history", async () => {
    const { feeds, delivered, pages } = setup(7);
    feeds.receive(dm, message(1));
    feeds.receive(dm, message(2));
    feeds.receive(dm, message(2));
    feeds.receive(dm, message(6)); // 3..5 were missed
    feeds.receive(dm, message(4)); // arrives late: already delivered by then
    feeds.receive(dm, message(7));
    await vi.waitFor(() => expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7]));
    expect(pages).toEqual([
      { after: 20, limit: 3 },
      { after: 50, limit: 3 },
    ]);
  });

  it("catches up every followed conversation after its last message, page by page", async () => {
    const { feeds, delivered } = setup(8);
    feeds.receive(dm, message(1));
    expect(await feeds.catchUp()).toBe(7);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await feeds.catchUp()).toBe(0);
  });

  it("follows an empty conversation from its start", async () => {
    const { feeds, delivered } = setup(7);
    feeds.follow(dm, undefined);
    expect(await feeds.catchUp()).toBe(7);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("follows from a given last message and ignores a second follow", async () => {
    const { feeds, delivered } = setup(5);
    feeds.follow(dm, message(3));
    feeds.follow(dm, message(1));
    await feeds.catchUp();
    expect(delivered).toEqual([4, 5]);
  });

  it("keeps a gap's later messages back while history fails, and retries until it reads them", async () => {
    const { feeds, delivered, errors } = setup(4, { failures: 2, retryDelayMs: 50 });
    feeds.receive(dm, message(1));
    feeds.receive(dm, message(4));
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(delivered).toEqual([1]);
    await vi.waitFor(() => expect(delivered).toEqual([1, 2, 3, 4]));
    expect(errors).toHaveLength(2);
  });

  it("stops retrying while paused and forgets conversations", async () => {
    vi.useFakeTimers();
    try {
      const { feeds, delivered, pages } = setup(3, { failures: 1 });
      feeds.receive(dm, message(1));
      feeds.pause();
      expect(await feeds.catchUp()).toBe(0);
      feeds.pause();
      // No retry is scheduled: however long it is paused, nothing is read.
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(pages).toHaveLength(1);
      expect(await feeds.catchUp()).toBe(2);
      expect(delivered).toEqual([1, 2, 3]);
      feeds.forget(dm);
      expect(feeds.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("finds its place by seq when the last delivered message was deleted", async () => {
    const { feeds, delivered, errors } = setup(9, { gone: [2] });
    feeds.receive(dm, message(1));
    feeds.receive(dm, message(2)); // delivered live, then deleted (its sender deleted the account)
    expect(await feeds.catchUp()).toBe(7);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(errors).toEqual([]);
  });

  it("stops following a conversation it may no longer read, and delivers nothing more from it", async () => {
    vi.useFakeTimers();
    try {
      const { feeds, delivered, errors, pages } = setup(3, { unreadable: true });
      feeds.receive(dm, message(1));
      expect(await feeds.catchUp()).toBe(0);
      expect(errors).toHaveLength(1);
      expect(feeds.size).toBe(0);
      // No retry is scheduled: however much time passes, it is not read again.
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(pages).toHaveLength(1);
      expect(errors).toHaveLength(1);
      expect(delivered).toEqual([1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("drops what a read under way returns once the conversation is forgotten", async () => {
    const { feeds, delivered } = setup(5);
    feeds.receive(dm, message(1));
    const reading = feeds.catchUp();
    feeds.forget(dm);
    expect(await reading).toBe(0);
    expect(delivered).toEqual([1]);
  });

  it("in a conversation first seen live, also delivers what was created since listening began, in order", async () => {
    // Listening began at second 6.5: 7 and 8 are new, 1..6 are old history.
    const { feeds, delivered } = setup(9, { since: 6_500 });
    feeds.receive(dm, message(9)); // arrived first (its server process was quicker)
    feeds.receive(dm, message(7)); // then the earlier ones
    feeds.receive(dm, message(8));
    await vi.waitFor(() => expect(delivered).toEqual([7, 8, 9]));
  });
});
