import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HestiaError } from "./errors";
import { newIdempotencyKey, sendIdempotent } from "./idempotency";

describe("newIdempotencyKey", () => {
  it("is 128 random bits as 32 hex digits, new each time", () => {
    const keys = Array.from({ length: 100 }, newIdempotencyKey);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(keys).size).toBe(100);
  });
});

describe("sendIdempotent", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const offline = () => new HestiaError(0, "NETWORK_ERROR", "offline");

  interface Send {
    content: string;
    idempotencyKey?: string;
  }

  /** A send that fails with these errors, in turn, then answers "stored"; records what each attempt sent. */
  function flakySend(...failures: Error[]) {
    const attempts: Required<Send>[] = [];
    const send = async (keyed: Send & { idempotencyKey: string }) => {
      attempts.push(keyed);
      const failure = failures.shift();
      if (failure) throw failure;
      return "stored";
    };
    return { send, attempts };
  }

  it("sends once with a fresh key when the first attempt works", async () => {
    const { send, attempts } = flakySend();
    expect(await sendIdempotent<Send, string>({ content: "hi" }, send)).toBe("stored");
    expect(attempts).toEqual([{ content: "hi", idempotencyKey: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
  });

  it("keeps the caller's key", async () => {
    const { send, attempts } = flakySend();
    await sendIdempotent<Send, string>({ content: "hi", idempotencyKey: "mine" }, send);
    expect(attempts[0]!.idempotencyKey).toBe("mine");
  });

  it("retries a network failure with the same key, waiting 250 ms, then 500 ms", async () => {
    const { send, attempts } = flakySend(offline(), new HestiaError(0, "TIMEOUT", "no answer"));
    const sending = sendIdempotent<Send, string>({ content: "hi" }, send);
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(249);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(499);
    expect(attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(await sending).toBe("stored");
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((attempt) => attempt.idempotencyKey)).size).toBe(1);
  });

  it("retries a 503 (a server shutting down) too", async () => {
    const { send, attempts } = flakySend(new HestiaError(503, "SERVICE_UNAVAILABLE", "shutting down"));
    const sending = sendIdempotent<Send, string>({ content: "hi" }, send);
    await vi.runAllTimersAsync();
    expect(await sending).toBe("stored");
    expect(attempts).toHaveLength(2);
  });

  it("gives up after the configured number of retries with the last failure", async () => {
    const last = offline();
    const { send, attempts } = flakySend(offline(), offline(), last);
    const sending = sendIdempotent<Send, string>({ content: "hi" }, send);
    const outcome = expect(sending).rejects.toBe(last);
    await vi.runAllTimersAsync();
    await outcome;
    expect(attempts).toHaveLength(3);
  });

  it("follows the retry options given", async () => {
    const { send, attempts } = flakySend(offline(), offline(), offline(), offline());
    const sending = sendIdempotent<Send, string>({ content: "hi" }, send, { retries: 4, delayMs: 10 });
    await vi.advanceTimersByTimeAsync(10 + 20 + 40 + 80);
    expect(await sending).toBe("stored");
    expect(attempts).toHaveLength(5);

    const once = flakySend(offline());
    await expect(sendIdempotent<Send, string>({ content: "hi" }, once.send, { retries: 0 })).rejects.toMatchObject({
      code: "NETWORK_ERROR",
    });
    expect(once.attempts).toHaveLength(1);
  });

  it("does not retry what another attempt cannot fix", async () => {
    for (const failure of [
      new HestiaError(400, "VALIDATION_ERROR", "bad"),
      new HestiaError(403, "FORBIDDEN", "not friends"),
      new HestiaError(409, "CONFLICT", "epoch moved"),
      new HestiaError(500, "INTERNAL_ERROR", "bug"),
      new Error("not a HestiaError"),
    ]) {
      const { send, attempts } = flakySend(failure);
      await expect(sendIdempotent<Send, string>({ content: "hi" }, send)).rejects.toBe(failure);
      expect(attempts, failure.message).toHaveLength(1);
    }
    expect(vi.getTimerCount()).toBe(0);
  });
});
