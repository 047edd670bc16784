import { describe, expect, it } from "vitest";
import { EmojiSchema, isEmoji } from "./lifecycle";

describe("isEmoji", () => {
  it("accepts exactly one emoji grapheme: plain, with a skin tone, a ZWJ family, a flag, a keycap", () => {
    for (const emoji of ["👍", "❤️", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "1️⃣", "🏳️‍🌈"]) expect(isEmoji(emoji), emoji).toBe(true);
  });

  it("refuses text, two emoji, a lone component, the empty string and anything over 32 bytes", () => {
    for (const value of ["", "a", "ok", "👍👍", "👍 ", "🏽", "\u200d", "🇫", "<script>", "👍a"]) expect(isEmoji(value), value).toBe(false);
    // Eleven ZWJ-joined pictographs: one grapheme, but far over 32 bytes.
    expect(isEmoji(Array(11).fill("👨").join("\u200d"))).toBe(false);
  });

  it("answers the same when called many times (the segmenter is shared)", () => {
    const answers = Array.from({ length: 1_000 }, (_, i) => isEmoji(i % 2 ? "👍" : "👍👍"));
    expect(answers.filter(Boolean)).toHaveLength(500);
  });
});

describe("EmojiSchema", () => {
  it("decodes a percent-encoded path parameter and refuses what is not one emoji", () => {
    expect(EmojiSchema.parse(encodeURIComponent("👍"))).toBe("👍");
    expect(EmojiSchema.safeParse("%E0%A4%A").success).toBe(false);
    expect(EmojiSchema.safeParse("thumbs").success).toBe(false);
  });
});
