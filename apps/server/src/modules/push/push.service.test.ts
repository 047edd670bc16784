import type { Message } from "@hestia/contracts";
import { describe, expect, it } from "vitest";
import { buildNotification } from "./push.service";

const message: Message = {
  id: 9,
  content: "hello there",
  createdAt: "2026-01-01T00:00:00.000Z",
  userId: 3,
  username: "alice",
  seq: 4,
  conversationId: 12,
  recipientId: 5,
  encrypted: false,
};

describe("buildNotification", () => {
  it("carries no content for an encrypted message", () => {
    const encrypted = buildNotification({ ...message, content: null, encrypted: true }, { kind: "dm", recipientId: 5 }, undefined);
    expect(encrypted.notification).toEqual({ title: "alice", body: "New encrypted message" });
    expect(JSON.stringify(encrypted)).not.toContain("hello");
  });

  it("names the group in the title of a group message", () => {
    const group = buildNotification({ ...message, groupId: 7 }, { kind: "group", groupId: 7 }, "Book club");
    expect(group.notification.title).toBe("alice in Book club");
    expect(group.data).toEqual({ type: "group", conversationId: "12", messageId: "9", senderId: "3", groupId: "7" });
  });
});
