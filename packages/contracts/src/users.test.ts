import { describe, expect, it } from "vitest";
import { BioInputSchema, FcmTokenInputSchema, ProfilePictureUrlInputSchema, StatusInputSchema } from "./users";

describe("profile inputs", () => {
  it("bio: trimmed, at most 500 characters, may be empty", () => {
    expect(BioInputSchema.parse({ bio: "  hi  " })).toEqual({ bio: "hi" });
    expect(BioInputSchema.parse({ bio: "" })).toEqual({ bio: "" });
    expect(BioInputSchema.safeParse({ bio: "x".repeat(500) }).success).toBe(true);
    expect(BioInputSchema.safeParse({ bio: "x".repeat(501) }).error?.issues[0]?.message).toBe("bio must be at most 500 characters");
  });

  it("status: one of the three, spelled exactly", () => {
    for (const status of ["active", "offline", "do_not_disturb"]) expect(StatusInputSchema.safeParse({ status }).success).toBe(true);
    for (const status of ["away", "ACTIVE", "", null]) expect(StatusInputSchema.safeParse({ status }).success, String(status)).toBe(false);
  });

  it("push token: trimmed, 1 to 512 characters", () => {
    expect(FcmTokenInputSchema.parse({ token: " t " })).toEqual({ token: "t" });
    expect(FcmTokenInputSchema.safeParse({ token: "  " }).success).toBe(false);
    expect(FcmTokenInputSchema.safeParse({ token: "t".repeat(513) }).success).toBe(false);
  });

  it("profile picture: an https URL of at most 2048 characters, or null", () => {
    expect(ProfilePictureUrlInputSchema.parse({ profilePictureUrl: null })).toEqual({ profilePictureUrl: null });
    expect(ProfilePictureUrlInputSchema.safeParse({ profilePictureUrl: "https://images.example/a.png" }).success).toBe(true);
    for (const url of [
      "http://images.example/a.png",
      "javascript:alert(1)",
      "data:image/png;base64,AAAA",
      "not a url",
      `https://x.example/${"a".repeat(2048)}`,
    ]) {
      expect(ProfilePictureUrlInputSchema.safeParse({ profilePictureUrl: url }).success, url.slice(0, 30)).toBe(false);
    }
  });
});
