import { describe, expect, it } from "vitest";
import { UnreadCounter } from "./unread";

const summary = (id: number, unreadCount: number, readSeq: number, lastSeq: number, mentionCount = 0) => ({
  id,
  unreadCount,
  mentionCount,
  readSeq,
  lastSeq,
});
const message = (conversationId: number, seq: number, userId: number, mentions?: number[]) => ({ conversationId, seq, userId, mentions });
const SELF = 1;

describe("unread counter", () => {
  it("starts from the server's totals and swaps in summaries as they are learnt", () => {
    const unread = new UnreadCounter();
    unread.sync({ unreadCount: 7, mentionCount: 1 });
    expect([unread.total, unread.mentions]).toEqual([7, 1]);
    unread.learn(summary(10, 4, 0, 4, 1));
    expect([unread.total, unread.mentions]).toEqual([7, 1]);
    expect(unread.of(10)).toEqual({ unreadCount: 4, mentionCount: 1, readSeq: 0, lastSeq: 4 });
  });

  it("counts live messages from others once, and mentions of you", () => {
    const unread = new UnreadCounter();
    unread.learn(summary(10, 0, 3, 3));
    unread.message(message(10, 4, 2, [SELF]), SELF);
    unread.message(message(10, 5, 2), SELF);
    unread.message(message(10, 5, 2), SELF);
    expect(unread.of(10)).toMatchObject({ unreadCount: 2, mentionCount: 1, lastSeq: 5 });
    expect(unread.total).toBe(2);
  });

  it("your own message reads what came before it", () => {
    const unread = new UnreadCounter();
    unread.learn(summary(10, 2, 3, 5, 1));
    unread.message(message(10, 6, SELF), SELF);
    expect(unread.of(10)).toEqual({ unreadCount: 0, mentionCount: 0, readSeq: 6, lastSeq: 6 });
  });

  it("takes read states as they come, never backwards", () => {
    const unread = new UnreadCounter();
    unread.learn(summary(10, 5, 0, 5, 2));
    unread.read({ conversationId: 10, readSeq: 4, unreadCount: 1 });
    expect(unread.of(10)).toEqual({ unreadCount: 1, mentionCount: 1, readSeq: 4, lastSeq: 5 });
    unread.read({ conversationId: 10, readSeq: 2, unreadCount: 3 });
    expect(unread.of(10)?.unreadCount).toBe(1);
  });

  it("counts a message of a conversation it has not seen in the rest, until its summary arrives", () => {
    const unread = new UnreadCounter();
    // Conversation 20 had 2 unread, another one 1.
    unread.sync({ unreadCount: 3, mentionCount: 0 });
    expect(unread.message(message(20, 9, 2, [SELF]), SELF)).toBe(false);
    expect([unread.total, unread.mentions]).toEqual([4, 1]);
    unread.learn(summary(20, 3, 6, 9, 1));
    expect([unread.total, unread.mentions]).toEqual([4, 1]);
    expect(unread.of(20)?.unreadCount).toBe(3);
  });

  it("tells subscribers of every change", () => {
    const unread = new UnreadCounter();
    const totals: number[] = [];
    const stop = unread.subscribe((snapshot) => totals.push(snapshot.unreadCount));
    unread.sync({ unreadCount: 2, mentionCount: 0 });
    unread.message(message(30, 1, 2), SELF);
    stop();
    unread.message(message(30, 2, 2), SELF);
    expect(totals).toEqual([2, 3]);
  });

  it("counts mentions decrypted in encrypted conversations on the side, until read or deleted", () => {
    const unread = new UnreadCounter();
    unread.learn(summary(40, 3, 2, 5));
    unread.mentioned(40, 4);
    unread.mentioned(40, 4);
    unread.mentioned(40, 5);
    unread.mentioned(40, 2); // already read
    unread.mentioned(41, 9); // a conversation not seen yet
    expect(unread.of(40)).toMatchObject({ unreadCount: 3, mentionCount: 2 });
    expect(unread.snapshot.conversations.get(40)?.mentionCount).toBe(2);
    expect(unread.mentions).toBe(3);
    // The server's summaries never include them: reading it again keeps them.
    unread.learn(summary(40, 3, 2, 5));
    expect(unread.mentions).toBe(3);
    unread.unmentioned(41, 9);
    unread.read({ conversationId: 40, readSeq: 4, unreadCount: 1 });
    expect(unread.of(40)).toMatchObject({ unreadCount: 1, mentionCount: 1 });
    unread.message(message(40, 6, SELF), SELF);
    expect(unread.mentions).toBe(0);
  });
});
