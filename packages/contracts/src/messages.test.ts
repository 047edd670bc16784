import { describe, expect, it } from "vitest";
import { IdSchema } from "./common";
import {
  CIPHERTEXT_MAX_LENGTH,
  CiphertextSchema,
  ContentSchema,
  HISTORY_DEFAULT_LIMIT,
  HISTORY_MAX_LIMIT,
  HistoryQuerySchema,
  historyQuery,
  IdempotencyKeySchema,
  MESSAGE_MAX_LENGTH,
  SendMessageSchema,
  sendMessage,
} from "./messages";

/** The paths of the problems a schema finds (none: it passed). */
const issuePaths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.success ? [] : result.error!.issues.map((issue) => issue.path.join("."));

describe("ContentSchema", () => {
  it("trims, then takes 1 to 4000 characters of any text", () => {
    expect(ContentSchema.parse("  hello 👋 \n")).toBe("hello 👋");
    expect(ContentSchema.parse("x".repeat(MESSAGE_MAX_LENGTH))).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(ContentSchema.parse(` ${"x".repeat(MESSAGE_MAX_LENGTH)} `)).toHaveLength(MESSAGE_MAX_LENGTH);
  });

  it("refuses empty, blank and too long text, saying which", () => {
    expect(ContentSchema.safeParse("").error?.issues[0]?.message).toBe("content must not be empty");
    expect(ContentSchema.safeParse(" \t\n ").error?.issues[0]?.message).toBe("content must not be empty");
    expect(ContentSchema.safeParse("x".repeat(MESSAGE_MAX_LENGTH + 1)).error?.issues[0]?.message).toBe(
      "content must be at most 4000 characters",
    );
  });
});

describe("CiphertextSchema", () => {
  it("accepts standard base64, padded or not", () => {
    for (const value of ["AAAA", "AAA=", "AA==", "ab+/", "A".repeat(CIPHERTEXT_MAX_LENGTH)]) {
      expect(CiphertextSchema.safeParse(value).success, value.slice(0, 10)).toBe(true);
    }
  });

  it("refuses what is not base64, is cut short or is too long", () => {
    for (const value of ["", "AAA", "AAAAA", "A===", "AA AA", "AA\nAA", "ab-_", "A".repeat(CIPHERTEXT_MAX_LENGTH + 4)]) {
      expect(CiphertextSchema.safeParse(value).success, value.slice(0, 10)).toBe(false);
    }
  });
});

describe("IdempotencyKeySchema", () => {
  it("takes 1 to 64 characters", () => {
    expect(IdempotencyKeySchema.safeParse("k").success).toBe(true);
    expect(IdempotencyKeySchema.safeParse("k".repeat(64)).success).toBe(true);
    expect(IdempotencyKeySchema.safeParse("").success).toBe(false);
    expect(IdempotencyKeySchema.safeParse("k".repeat(65)).success).toBe(false);
  });
});

describe("sendMessage", () => {
  it("takes plain content, or encrypted: true with a ciphertext, each with an optional idempotency key", () => {
    expect(SendMessageSchema.parse({ content: " hi " })).toEqual({ content: "hi" });
    expect(SendMessageSchema.parse({ content: "hi", encrypted: false, idempotencyKey: "k" })).toEqual({
      content: "hi",
      encrypted: false,
      idempotencyKey: "k",
    });
    expect(SendMessageSchema.parse({ encrypted: true, ciphertext: "AAAA" })).toEqual({ encrypted: true, ciphertext: "AAAA" });
  });

  it("refuses mixed or missing bodies, naming the field at fault", () => {
    expect(issuePaths(SendMessageSchema.safeParse({}))).toEqual(["content"]);
    expect(issuePaths(SendMessageSchema.safeParse({ encrypted: true }))).toEqual(["ciphertext"]);
    expect(issuePaths(SendMessageSchema.safeParse({ encrypted: true, ciphertext: "AAAA", content: "hi" }))).toEqual(["content"]);
    expect(issuePaths(SendMessageSchema.safeParse({ content: "hi", ciphertext: "AAAA" }))).toEqual(["encrypted"]);
    expect(issuePaths(SendMessageSchema.safeParse({ encrypted: false, ciphertext: "AAAA" }))).toEqual(["content", "encrypted"]);
  });

  it("adds the conversation's own fields, validated like the rest", () => {
    const toFriend = sendMessage({ toId: IdSchema });
    expect(toFriend.parse({ toId: "5", content: "hi" })).toEqual({ toId: 5, content: "hi" });
    expect(issuePaths(toFriend.safeParse({ toId: 0, content: "hi" }))).toEqual(["toId"]);
    expect(issuePaths(toFriend.safeParse({ content: "hi" }))).toEqual(["toId"]);
  });
});

describe("historyQuery", () => {
  it("defaults to the latest 50, and coerces query-string numbers", () => {
    expect(HistoryQuerySchema.parse({})).toEqual({ limit: HISTORY_DEFAULT_LIMIT });
    expect(HistoryQuerySchema.parse({ limit: "5", before: "9" })).toEqual({ limit: 5, before: 9 });
    expect(HistoryQuerySchema.parse({ after: 9 })).toEqual({ after: 9, limit: 50 });
  });

  it("takes a limit from 1 to 100", () => {
    expect(HistoryQuerySchema.parse({ limit: 1 }).limit).toBe(1);
    expect(HistoryQuerySchema.parse({ limit: HISTORY_MAX_LIMIT }).limit).toBe(100);
    for (const limit of [0, 101, 2.5, "ten", -1])
      expect(issuePaths(HistoryQuerySchema.safeParse({ limit })), String(limit)).toEqual(["limit"]);
  });

  it("takes at most one cursor", () => {
    const both = HistoryQuerySchema.safeParse({ before: 3, after: 2 });
    expect(issuePaths(both)).toEqual(["before"]);
    expect(both.error?.issues[0]?.message).toBe("use at most one of before and after");
  });

  it("refuses a cursor that is not a message id", () => {
    for (const before of [0, -3, "abc", 1.5])
      expect(issuePaths(HistoryQuerySchema.safeParse({ before })), String(before)).toEqual(["before"]);
  });

  it("adds the conversation's own fields", () => {
    const ofGroup = historyQuery({ groupId: IdSchema });
    expect(ofGroup.parse({ groupId: "4" })).toEqual({ groupId: 4, limit: 50 });
    expect(issuePaths(ofGroup.safeParse({}))).toEqual(["groupId"]);
  });
});
