import { describe, expect, it } from "vitest";
import { toProfile } from "./profile";

describe("toProfile", () => {
  const row = {
    id: 4,
    username: "ann",
    bio: "hi",
    status: "active",
    profilePictureUrl: "https://images.example/ann.png",
    avatarKey: null,
    createdAt: new Date("2030-01-02T03:04:05.000Z"),
  };

  it("shows the stored fields, with an ISO timestamp", () => {
    expect(toProfile(row, "https://chat.example")).toEqual({
      id: 4,
      username: "ann",
      bio: "hi",
      status: "active",
      profilePictureUrl: "https://images.example/ann.png",
      createdAt: "2030-01-02T03:04:05.000Z",
    });
  });

  it("links an uploaded avatar on this server, which wins over a URL", () => {
    expect(toProfile({ ...row, avatarKey: "abc.png" }, "https://chat.example").profilePictureUrl).toBe(
      "https://chat.example/uploads/avatars/abc.png",
    );
  });

  it("has no picture when neither is set", () => {
    expect(toProfile({ ...row, profilePictureUrl: null }, "https://chat.example").profilePictureUrl).toBeNull();
  });
});
