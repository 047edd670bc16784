import type { TypingEvent } from "@hestia/contracts";

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
  readonly #typing = new Map<number, { sentAt: number; idle: ReturnType<typeof setTimeout> }>();

  constructor(send: (conversationId: number, typing: boolean) => void) {
    this.#send = send;
  }

  keystroke(conversationId: number): void {
    const now = Date.now();
    const state = this.#typing.get(conversationId);
    if (state) clearTimeout(state.idle);
    const sentAt = !state || now - state.sentAt >= TYPING_REPEAT_MS ? now : state.sentAt;
    this.#typing.set(conversationId, { sentAt, idle: setTimeout(() => this.stop(conversationId), TYPING_IDLE_MS) });
    if (sentAt === now) this.#send(conversationId, true);
  }

  /** Stopped typing (the text was cleared, the conversation closed): tells the others at once. */
  stop(conversationId: number): void {
    const state = this.#typing.get(conversationId);
    if (!state) return;
    clearTimeout(state.idle);
    this.#typing.delete(conversationId);
    this.#send(conversationId, false);
  }

  /** A message was sent there: the server ended the typing state itself. */
  sent(conversationId: number): void {
    const state = this.#typing.get(conversationId);
    if (!state) return;
    clearTimeout(state.idle);
    this.#typing.delete(conversationId);
  }
}

/** Who is typing where, from the server's `typing` events; each state ends by itself when it expires. */
export class TypingWatcher {
  readonly #onChange: (conversationId: number, userIds: number[]) => void;
  readonly #typing = new Map<number, Map<number, ReturnType<typeof setTimeout>>>();

  constructor(onChange: (conversationId: number, userIds: number[]) => void) {
    this.#onChange = onChange;
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
    const users = this.#typing.get(event.conversationId) ?? new Map<number, ReturnType<typeof setTimeout>>();
    this.#typing.set(event.conversationId, users);
    const known = users.has(event.userId);
    clearTimeout(users.get(event.userId));
    users.set(
      event.userId,
      setTimeout(() => this.#end(event.conversationId, event.userId), event.expiresInMs),
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
      for (const timer of users.values()) clearTimeout(timer);
      this.#typing.delete(conversationId);
      this.#onChange(conversationId, []);
    }
  }

  #end(conversationId: number, userId: number): void {
    const users = this.#typing.get(conversationId);
    if (!users?.has(userId)) return;
    clearTimeout(users.get(userId));
    users.delete(userId);
    if (!users.size) this.#typing.delete(conversationId);
    this.#onChange(conversationId, this.typing(conversationId));
  }
}
