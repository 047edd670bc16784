import type { Message } from "@hestia/contracts";
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { createLogger } from "../../logger";
import { createAnnouncements } from "../../realtime/announcements";
import { answer } from "./message-outcome";

const message = (id: number): Message => ({
  id,
  conversationId: 1,
  seq: id,
  userId: 1,
  username: "alice",
  content: "hi",
  encrypted: false,
  createdAt: new Date(0).toISOString(),
});
const gone = async () => new AppError("NOT_FOUND", "gone");

describe("answer", () => {
  it("announces a stored message once, and a retried send of it not again", async () => {
    const announcements = createAnnouncements(undefined, createLogger("silent"));
    const announced: number[] = [];
    const announce = (sent: Message) => void announced.push(sent.id);
    expect(await answer({ status: "stored", message: message(1) }, announcements, announce, gone)).toEqual(message(1));
    expect(await answer({ status: "repeat", message: message(1) }, announcements, announce, gone)).toEqual(message(1));
    expect(announced).toEqual([1]);
  });

  it("announces a retried message that was never announced (its process died before the broadcast), then only once", async () => {
    const announcements = createAnnouncements(undefined, createLogger("silent"));
    const announced: number[] = [];
    const announce = (sent: Message) => void announced.push(sent.id);
    await answer({ status: "repeat", message: message(7) }, announcements, announce, gone);
    await answer({ status: "repeat", message: message(7) }, announcements, announce, gone);
    expect(announced).toEqual([7]);
  });

  it("turns refusals into their errors", async () => {
    const announcements = createAnnouncements(undefined, createLogger("silent"));
    const refuse = (reason: "gone" | "epoch" | "encrypted-only" | "key-in-other-conversation") =>
      answer({ status: "refused", reason }, announcements, () => {}, gone);
    await expect(refuse("gone")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(refuse("encrypted-only")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(refuse("key-in-other-conversation")).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(refuse("epoch")).rejects.toBeInstanceOf(AppError);
  });
});
