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

/**
 * Runs `attempt` again while it fails with a retryable error. Only for requests that are safe to repeat:
 * reads, and sends that carry the same idempotency key on every attempt.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  { retries, delayMs }: RetryOptions,
): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= retries || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** tries));
    }
  }
}
