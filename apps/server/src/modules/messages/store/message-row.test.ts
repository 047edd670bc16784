import { describe, expect, it } from "vitest";
import { directKey, otherParticipant, toMessage } from "./message-row";

describe("otherParticipant", () => {
  it("names the other user of a direct conversation's pair key, from either side", () => {
    expect(otherParticipant("3:17", 3)).toBe(17);
    expect(otherParticipant("3:17", 17)).toBe(3);
  });

  it("reads whole numbers, not digits", () => {
    expect(otherParticipant("12:123", 12)).toBe(123);
    expect(otherParticipant("12:123", 123)).toBe(12);
  });
});

describe("toMessage", () => {
  const row = {
    id: 41,
    conversationId: 9,
    seq: 3,
    senderId: 5,
    content: "hello",
    ciphertext: null,
    encrypted: false,
    createdAt: new Date("2030-01-02T03:04:05.678Z"),
    deletedAt: null,
    username: "ann",
  };

  it("turns a direct message's row into the API's message, naming its recipient", () => {
    expect(toMessage(row, { id: 9, kind: "DIRECT", directKey: "5:8" })).toEqual({
      id: 41,
      content: "hello",
      createdAt: "2030-01-02T03:04:05.678Z",
      userId: 5,
      username: "ann",
      seq: 3,
      conversationId: 9,
      encrypted: false,
      recipientId: 8,
    });
  });

  it("names the group of a group message, and no recipient", () => {
    const message = toMessage(row, { id: 9, kind: "GROUP", directKey: null });
    expect(message.groupId).toBe(9);
    expect(message).not.toHaveProperty("recipientId");
  });

  it("carries the ciphertext of an encrypted message, whose content is null", () => {
    const encrypted = { ...row, content: null, ciphertext: "AAAA", encrypted: true };
    expect(toMessage(encrypted, { id: 9, kind: "DIRECT", directKey: "5:8" })).toMatchObject({
      content: null,
      ciphertext: "AAAA",
      encrypted: true,
    });
  });

  it("never shows a ciphertext on a plain message", () => {
    expect(toMessage({ ...row, ciphertext: "AAAA" }, { id: 9, kind: "GROUP", directKey: null })).not.toHaveProperty("ciphertext");
  });

  it("shows a deleted message as a tombstone: same id and seq, deletedAt, no content, no ciphertext", () => {
    const deletedAt = "2030-01-03T00:00:00.000+00:00";
    const plain = toMessage({ ...row, deletedAt }, { id: 9, kind: "GROUP", directKey: null });
    expect(plain).toMatchObject({ id: 41, seq: 3, content: null, deletedAt: "2030-01-03T00:00:00.000Z" });
    const encrypted = toMessage(
      { ...row, content: null, ciphertext: "AAAA", encrypted: true, deletedAt },
      { id: 9, kind: "GROUP", directKey: null },
    );
    expect(encrypted).toMatchObject({ content: null, encrypted: true, deletedAt: "2030-01-03T00:00:00.000Z" });
    expect(encrypted).not.toHaveProperty("ciphertext");
  });

  it("gives a message that was not deleted no deletedAt", () => {
    expect(toMessage(row, { id: 9, kind: "GROUP", directKey: null })).not.toHaveProperty("deletedAt");
  });
});

describe("directKey", () => {
  it("names a pair the same way from either side", () => {
    expect(directKey(8, 3)).toBe("3:8");
    expect(directKey(3, 8)).toBe("3:8");
  });
});

describe("timestamps as each database returns them", () => {
  const base = {
    id: 1,
    conversationId: 1,
    seq: 1,
    senderId: 1,
    content: "x",
    ciphertext: null,
    encrypted: 0,
    deletedAt: null,
    username: "ann",
  };
  const conversation = { id: 1, kind: "GROUP", directKey: null };
  it("reads SQLite's ISO text with an offset and MariaDB's UTC DATETIME(3) text alike", () => {
    expect(toMessage({ ...base, createdAt: "2030-01-02T03:04:05.678+00:00" }, conversation).createdAt).toBe("2030-01-02T03:04:05.678Z");
    expect(toMessage({ ...base, createdAt: "2030-01-02 03:04:05.678" }, conversation).createdAt).toBe("2030-01-02T03:04:05.678Z");
  });
});
