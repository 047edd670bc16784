import { beforeAll, describe, expect, it } from "vitest";
import { commit, encrypt, keyPackage, newGroup, signatureKeys } from "../../../test/mls";
import { AppError } from "../../errors";
import { epochMoved, messageBody } from "./message-body";

/** The AppError `run` throws. */
function thrown(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("messageBody", () => {
  const conversationId = 12;
  /** Ciphertexts of conversation 12's MLS group, made in epoch 0 and in epoch 1. */
  let epoch0: string;
  let epoch1: string;
  /** A ciphertext of another conversation's MLS group. */
  let elsewhere: string;
  beforeAll(async () => {
    const keys = await signatureKeys();
    const state = await newGroup(conversationId, await keyPackage(keys, { userId: 1, deviceId: 1 }));
    epoch0 = (await encrypt(state, "hello")).ciphertext;
    epoch1 = (await encrypt((await commit(state)).state, "later")).ciphertext;
    elsewhere = (await encrypt(await newGroup(conversationId + 1, await keyPackage(keys, { userId: 1, deviceId: 1 })), "lost")).ciphertext;
  });

  it("stores plain text as it is, with no epoch to check", () => {
    expect(messageBody(conversationId, { content: "hi" })).toEqual({ body: { encrypted: false, content: "hi" } });
    expect(messageBody(conversationId, { content: "hi", encrypted: false })).toEqual({ body: { encrypted: false, content: "hi" } });
  });

  it("stores a ciphertext with the MLS epoch it was made in", () => {
    expect(messageBody(conversationId, { encrypted: true, ciphertext: epoch0 })).toEqual({
      body: { encrypted: true, ciphertext: epoch0 },
      epoch: 0,
    });
    expect(messageBody(conversationId, { encrypted: true, ciphertext: epoch1 }).epoch).toBe(1);
  });

  it("keeps an idempotency key out of the body", () => {
    expect(messageBody(conversationId, { content: "hi", idempotencyKey: "k" })).toEqual({ body: { encrypted: false, content: "hi" } });
  });

  it("refuses a send that is neither plain text nor encrypted: true with a ciphertext", () => {
    for (const input of [
      {},
      { encrypted: true },
      { encrypted: true, content: "hi" },
      { ciphertext: epoch0 },
      { encrypted: false, ciphertext: epoch0 },
    ]) {
      const error = thrown(() => messageBody(conversationId, input));
      expect(error.code, JSON.stringify(input)).toBe("VALIDATION_ERROR");
      expect(error.message).toBe("A message carries its content, or encrypted: true and its ciphertext");
    }
  });

  it("refuses a ciphertext of another conversation's group, or one that is no MLS application message", () => {
    expect(thrown(() => messageBody(conversationId, { encrypted: true, ciphertext: elsewhere }))).toMatchObject({
      code: "VALIDATION_ERROR",
      message: expect.stringMatching(/another conversation/),
    });
    expect(thrown(() => messageBody(conversationId, { encrypted: true, ciphertext: "AAAA" })).code).toBe("VALIDATION_ERROR");
  });
});

describe("epochMoved", () => {
  it("is a 409 that tells the client to process the new commits", () => {
    const error = epochMoved();
    expect(error.status).toBe(409);
    expect(error.toBody()).toEqual({
      code: "CONFLICT",
      error: "The conversation's MLS epoch moved on: process the new commits and encrypt again",
    });
  });
});
