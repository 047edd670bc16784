import { describe, expect, it } from "vitest";
import { unmutedOrMentioned } from "../push/push.service";
import { muteState } from "./settings.service";
import { isMuted } from "./summary";

describe("mute", () => {
  it("muted: true mutes without end, mutedUntil until then, muted: false or mutedUntil: null unmute", () => {
    expect(muteState({ muted: true })).toEqual({ muted: true, mutedUntil: null });
    expect(muteState({ mutedUntil: "2030-01-01T00:00:00.000Z" })).toEqual({
      muted: false,
      mutedUntil: new Date("2030-01-01T00:00:00.000Z"),
    });
    expect(muteState({ muted: true, mutedUntil: "2030-01-01T00:00:00.000Z" })).toEqual({
      muted: false,
      mutedUntil: new Date("2030-01-01T00:00:00.000Z"),
    });
    expect(muteState({ muted: false })).toEqual({ muted: false, mutedUntil: null });
    expect(muteState({ mutedUntil: null })).toEqual({ muted: false, mutedUntil: null });
  });

  it("is on without end, or while its end lies ahead", () => {
    const now = Date.parse("2030-01-01T00:00:00.000Z");
    expect(isMuted(true, null, now)).toBe(true);
    expect(isMuted(false, "2030-01-01T00:00:01.000Z", now)).toBe(true);
    expect(isMuted(false, "2030-01-01T00:00:00.000Z", now)).toBe(false);
    expect(isMuted(false, null, now)).toBe(false);
  });

  it("push skips members who muted the conversation, unless the message mentions them", () => {
    const now = Date.parse("2030-01-01T00:00:00.000Z");
    const memberships = [
      { userId: 1, muted: true, mutedUntil: null },
      { userId: 2, muted: false, mutedUntil: new Date(now + 1_000) },
      { userId: 3, muted: false, mutedUntil: new Date(now - 1_000) },
      { userId: 4, muted: false, mutedUntil: null },
    ];
    expect(unmutedOrMentioned(memberships, undefined, now)).toEqual([3, 4]);
    expect(unmutedOrMentioned(memberships, [1, 4], now)).toEqual([1, 3, 4]);
  });
});
