import type { TypingEvent } from "@hestia/contracts";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTypingTracker } from "./typing";

// Timers and Date.now move only when a test advances them.
beforeEach(() => void vi.useFakeTimers({ now: 0 }));
afterEach(() => void vi.useRealTimers());
const advance = (ms: number) => void vi.advanceTimersByTime(ms);

function setup() {
  const sent: (TypingEvent & { at: number })[] = [];
  const tracker = createTypingTracker({
    ttlMs: 6_000,
    throttleMs: 2_000,
    broadcast: (_to, event) => sent.push({ ...event, at: Date.now() }),
  });
  const to = { userIds: [2] };
  return { tracker, advance, sent, to, states: () => sent.map((event) => `${event.at}:${event.typing}`) };
}

describe("typing tracker", () => {
  it("broadcasts a start at most once per 2 s, renewing the state each time", () => {
    const { tracker, advance, to, states, sent } = setup();
    tracker.set(7, 1, true, to);
    advance(1_000);
    tracker.set(7, 1, true, to);
    advance(1_500);
    tracker.set(7, 1, true, to);
    expect(states()).toEqual(["0:true", "2500:true"]);
    expect(sent[0]).toEqual({ conversationId: 7, userId: 1, typing: true, expiresInMs: 6_000, at: 0 });
    // Expires 6 s after the last broadcast, not after the first.
    advance(6_000);
    expect(states()).toEqual(["0:true", "2500:true", "8500:false"]);
    expect(tracker.active).toBe(0);
  });

  it("ends at once, unthrottled, when the typist stops, sends or goes offline", () => {
    const { tracker, advance, to, states } = setup();
    tracker.set(7, 1, true, to);
    tracker.set(7, 1, false, to);
    tracker.set(8, 1, true, to);
    tracker.sent(8, 1);
    tracker.set(9, 1, true, to);
    tracker.set(10, 3, true, to);
    tracker.gone(1);
    expect(states()).toEqual(["0:true", "0:false", "0:true", "0:false", "0:true", "0:true", "0:false"]);
    expect(tracker.active).toBe(1);
    // Stopping what is not typing sends nothing.
    tracker.set(7, 1, false, to);
    tracker.sent(11, 1);
    advance(10_000);
    expect(states()).toEqual(["0:true", "0:false", "0:true", "0:false", "0:true", "0:true", "0:false", "6000:false"]);
  });

  it("a start soon after an end waits out the interval, and is dropped if the typist stops first", () => {
    const { tracker, advance, to, states } = setup();
    tracker.set(7, 1, true, to);
    advance(500);
    tracker.sent(7, 1);
    advance(500);
    tracker.set(7, 1, true, to);
    tracker.set(7, 1, true, to);
    advance(1_000);
    expect(states()).toEqual(["0:true", "500:false", "2000:true"]);
    tracker.sent(7, 1);
    advance(100);
    tracker.set(7, 1, true, to);
    tracker.set(7, 1, false, to);
    advance(10_000);
    expect(states()).toEqual(["0:true", "500:false", "2000:true", "2000:false"]);
  });

  it("keeps users and conversations apart", () => {
    const { tracker, to, states } = setup();
    tracker.set(7, 1, true, to);
    tracker.set(7, 2, true, to);
    tracker.set(8, 1, true, to);
    expect(states()).toEqual(["0:true", "0:true", "0:true"]);
    expect(tracker.active).toBe(3);
  });
});
