import type { TypingEvent } from "@hestia/contracts";

/** Timers as the typing helpers use them; tests pass their own clock. */
export interface TypingClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const systemClock: TypingClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** The server broadcasts `typing: true` at most this often per user and conversation; saying it more often is wasted. */
export const TYPING_REPEAT_MS = 2_000;
/** After this long without a keystroke, the typist is taken to have stopped. */
export const TYPING_IDLE_MS = 5_000;

/**
 * Your own typing, throttled for you: call `keystroke` on every key press; `typing: true` goes out at
 * most every 2 s while you type, and `typing: false` once you stop (after 5 s idle, or `stop`).
 */
export class TypingSender {
  readonly #send: (conversationId: number, typing: boolean) => void;
  readonly #clock: TypingClock;
  readonly #typing = new Map<number, { sentAt: number; idle: unknown }>();

  constructor(send: (conversationId: number, typing: boolean) => void, clock: TypingClock = systemClock) {
    this.#send = send;
    this.#clock = clock;
  }

  keystroke(conversationId: number): void {
    const now = this.#clock.now();
    const state = this.#typing.get(conversationId);
    if (state) this.#clock.clearTimeout(state.idle);
    const sentAt = !state || now - state.sentAt >= TYPING_REPEAT_MS ? now : state.sentAt;
    this.#typing.set(conversationId, { sentAt, idle: this.#clock.setTimeout(() => this.stop(conversationId), TYPING_IDLE_MS) });
    if (sentAt === now) this.#send(conversationId, true);
  }

  /** Stopped typing (the text was cleared, the conversation closed): tells the others at once. */
  stop(conversationId: number): void {
    const state = this.#typing.get(conversationId);
    if (!state) return;
    this.#clock.clearTimeout(state.idle);
    this.#typing.delete(conversationId);
    this.#send(conversationId, false);
  }

  /** A message was sent there: the server ended the typing state itself. */
  sent(conversationId: number): void {
    const state = this.#typing.get(conversationId);
    if (!state) return;
    this.#clock.clearTimeout(state.idle);
    this.#typing.delete(conversationId);
  }
}

/** Who is typing where, from the server's `typing` events; each state ends by itself when it expires. */
export class TypingWatcher {
  readonly #clock: TypingClock;
  readonly #onChange: (conversationId: number, userIds: number[]) => void;
  readonly #typing = new Map<number, Map<number, unknown>>();

  constructor(onChange: (conversationId: number, userIds: number[]) => void, clock: TypingClock = systemClock) {
    this.#onChange = onChange;
    this.#clock = clock;
  }

  /** The users typing in a conversation now. */
  typing(conversationId: number): number[] {
    return [...(this.#typing.get(conversationId)?.keys() ?? [])];
  }

  event(event: TypingEvent): void {
    if (!event.typing) {
      this.#end(event.conversationId, event.userId);
      return;
    }
    const users = this.#typing.get(event.conversationId) ?? new Map<number, unknown>();
    this.#typing.set(event.conversationId, users);
    const known = users.has(event.userId);
    this.#clock.clearTimeout(users.get(event.userId));
    users.set(
      event.userId,
      this.#clock.setTimeout(() => this.#end(event.conversationId, event.userId), event.expiresInMs),
    );
    if (!known) this.#onChange(event.conversationId, this.typing(event.conversationId));
  }

  /** A message from this user arrived: they are done typing it. */
  message(conversationId: number, userId: number): void {
    this.#end(conversationId, userId);
  }

  /** Forgets everything (the connection was lost: the states cannot be renewed). */
  clear(): void {
    for (const [conversationId, users] of this.#typing) {
      for (const timer of users.values()) this.#clock.clearTimeout(timer);
      this.#typing.delete(conversationId);
      this.#onChange(conversationId, []);
    }
  }

  #end(conversationId: number, userId: number): void {
    const users = this.#typing.get(conversationId);
    if (!users?.has(userId)) return;
    this.#clock.clearTimeout(users.get(userId));
    users.delete(userId);
    if (!users.size) this.#typing.delete(conversationId);
    this.#onChange(conversationId, this.typing(conversationId));
  }
}
