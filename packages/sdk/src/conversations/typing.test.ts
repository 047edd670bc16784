import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TYPING_IDLE_MS, TypingSender, TypingWatcher } from "./typing";

// Timers and Date.now move only when a test advances them.
beforeEach(() => void vi.useFakeTimers({ now: 0 }));
afterEach(() => void vi.useRealTimers());
const advance = (ms: number) => void vi.advanceTimersByTime(ms);

describe("typing sender", () => {
  it("says typing at most every 2 s while keys are pressed, and stopped after 5 s idle", () => {
    const sent: string[] = [];
    const sender = new TypingSender((id, typing) => sent.push(`${Date.now()}:${id}:${typing}`));
    sender.keystroke(7);
    advance(500);
    sender.keystroke(7);
    advance(1_600);
    sender.keystroke(7);
    advance(TYPING_IDLE_MS);
    expect(sent).toEqual(["0:7:true", "2100:7:true", "7100:7:false"]);
  });

  it("stops at once when asked, and says nothing after a send (the server ended it)", () => {
    const sent: string[] = [];
    const sender = new TypingSender((id, typing) => sent.push(`${id}:${typing}`));
    sender.keystroke(7);
    sender.stop(7);
    sender.stop(7);
    sender.keystroke(8);
    sender.sent(8);
    advance(10_000);
    sender.keystroke(8);
    expect(sent).toEqual(["7:true", "7:false", "8:true", "8:true"]);
  });
});

describe("typing watcher", () => {
  it("lists who types, until they stop, send, or the state expires", () => {
    const changes: string[] = [];
    const watcher = new TypingWatcher((id, users) => changes.push(`${id}:${users.join(",")}`));
    watcher.event({ conversationId: 7, userId: 2, typing: true, expiresInMs: 6_000 });
    watcher.event({ conversationId: 7, userId: 3, typing: true, expiresInMs: 6_000 });
    watcher.event({ conversationId: 7, userId: 2, typing: true, expiresInMs: 6_000 });
    expect(watcher.typing(7)).toEqual([2, 3]);
    watcher.message(7, 3);
    advance(5_999);
    expect(watcher.typing(7)).toEqual([2]);
    advance(1);
    watcher.event({ conversationId: 8, userId: 2, typing: true, expiresInMs: 6_000 });
    watcher.event({ conversationId: 8, userId: 2, typing: false, expiresInMs: 0 });
    expect(changes).toEqual(["7:2", "7:2,3", "7:2", "7:", "8:2", "8:"]);
  });
});
