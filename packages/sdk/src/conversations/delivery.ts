/** How long deliveries are gathered before they are reported (one `markDelivered` per conversation and burst). */
export const DELIVERY_FLUSH_MS = 250;

/**
 * Reports received messages as delivered, coalesced: for each conversation only the highest seq received
 * during a short window is sent. Failures are left alone: a later delivery (or read) covers them.
 */
export class DeliveryReporter {
  readonly #send: (conversationId: number, seq: number) => Promise<unknown>;
  readonly #pending = new Map<number, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(send: (conversationId: number, seq: number) => Promise<unknown>) {
    this.#send = send;
  }

  received(conversationId: number, seq: number): void {
    if ((this.#pending.get(conversationId) ?? 0) >= seq) return;
    this.#pending.set(conversationId, seq);
    this.#timer ??= setTimeout(() => this.flush(), DELIVERY_FLUSH_MS);
  }

  /** Reports what is pending now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [conversationId, seq] of pending) this.#send(conversationId, seq).catch(() => undefined);
  }

  /** Drops what is pending (the connection closed). */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }
}
