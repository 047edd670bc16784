import { HestiaError } from "./errors";

/** A fresh idempotency key: 128 random bits as hex (works in browsers without a secure context too). */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export interface RetryOptions {
  /** Further attempts after the first (default 2). */
  retries: number;
  /** Wait before the first retry, doubled each time (default 250 ms). */
  delayMs: number;
}

const DEFAULT_RETRY: RetryOptions = { retries: 2, delayMs: 250 };

/**
 * Sends with an idempotency key (the caller's, or a fresh one) and, when the attempt fails with an
 * error worth retrying (the server was not reached or did not answer), sends again with the same key,
 * so the server stores it once however many attempts reach it.
 */
export async function sendIdempotent<I extends { idempotencyKey?: string }, T>(
  input: I,
  attempt: (keyed: I & { idempotencyKey: string }) => Promise<T>,
  options: Partial<RetryOptions> = {},
): Promise<T> {
  const { retries, delayMs } = { ...DEFAULT_RETRY, ...options };
  const keyed = { ...input, idempotencyKey: input.idempotencyKey ?? newIdempotencyKey() };
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt(keyed);
    } catch (error) {
      if (tries >= retries || !(error instanceof HestiaError && error.retryable)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** tries));
    }
  }
}
