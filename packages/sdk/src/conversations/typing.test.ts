import { describe, expect, it } from "vitest";
import { TYPING_IDLE_MS, type TypingClock, TypingSender, TypingWatcher } from "./typing";

function fakeClock() {
  let now = 0;
  let next = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const clock: TypingClock = {
    now: () => now,
    setTimeout: (run, ms) => {
      next += 1;
      timers.set(next, { at: now + ms, run });
      return next;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].run();
    }
    now = until;
  };
  return { clock, advance };
}

describe("typing sender", () => {
  it("says typing at most every 2 s while keys are pressed, and stopped after 5 s idle", () => {
    const { clock, advance } = fakeClock();
    const sent: string[] = [];
    const sender = new TypingSender((id, typing) => sent.push(`${clock.now()}:${id}:${typing}`), clock);
    sender.keystroke(7);
    advance(500);
    sender.keystroke(7);
    advance(1_600);
    sender.keystroke(7);
    advance(TYPING_IDLE_MS);
    expect(sent).toEqual(["0:7:true", "2100:7:true", "7100:7:false"]);
  });

  it("stops at once when asked, and says nothing after a send (the server ended it)", () => {
    const { clock, advance } = fakeClock();
    const sent: string[] = [];
    const sender = new TypingSender((id, typing) => sent.push(`${id}:${typing}`), clock);
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
    const { clock, advance } = fakeClock();
    const changes: string[] = [];
    const watcher = new TypingWatcher((id, users) => changes.push(`${id}:${users.join(",")}`), clock);
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
