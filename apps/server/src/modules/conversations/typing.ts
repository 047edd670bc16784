import type { TypingEvent } from "@hestia/contracts";
import type { Audience } from "../../realtime/broadcaster";

export interface TypingOptions {
  /** How long a typing state lasts without being renewed. */
  ttlMs: number;
  /** Least time between two broadcasts of `typing: true` for one user and conversation. */
  throttleMs: number;
  /** Sends one change to the conversation's other members (`to`: as given with the start). */
  broadcast(to: Audience, event: TypingEvent): void;
}

interface State {
  conversationId: number;
  userId: number;
  to: Audience;
  /** When `typing: true` was last broadcast. */
  startedAt: number;
  /** "typing": broadcast and not ended; "waiting": asked to start again within the throttle interval; "ended". */
  phase: "typing" | "waiting" | "ended";
  timer: NodeJS.Timeout | undefined;
}

/**
 * Who is typing where, on this process. `typing: true` is broadcast at most once per throttle interval
 * (renewing the state each time; a start asked for sooner is broadcast when the interval is over); the
 * state ends by itself after its time to live, or when the typist says so, sends a message there or goes
 * offline; each end is broadcast as `typing: false` at once.
 */
export function createTypingTracker(options: TypingOptions) {
  const states = new Map<string, State>();
  const key = (conversationId: number, userId: number) => `${conversationId}:${userId}`;

  const schedule = (state: State, ms: number, run: () => void) => {
    clearTimeout(state.timer);
    state.timer = setTimeout(run, ms).unref();
  };

  const start = (id: string, state: State) => {
    state.phase = "typing";
    state.startedAt = Date.now();
    schedule(state, options.ttlMs, () => end(id));
    options.broadcast(state.to, { conversationId: state.conversationId, userId: state.userId, typing: true, expiresInMs: options.ttlMs });
  };

  /** An ended state is kept only while it still throttles the next start. */
  const forgetLater = (id: string, state: State) => {
    const wait = state.startedAt + options.throttleMs - Date.now();
    if (wait <= 0) {
      clearTimeout(state.timer);
      states.delete(id);
      return;
    }
    schedule(state, wait, () => {
      if (states.get(id) === state) states.delete(id);
    });
  };

  const end = (id: string) => {
    const state = states.get(id);
    if (!state || state.phase === "ended") return;
    const wasTyping = state.phase === "typing";
    state.phase = "ended";
    if (wasTyping)
      options.broadcast(state.to, { conversationId: state.conversationId, userId: state.userId, typing: false, expiresInMs: 0 });
    forgetLater(id, state);
  };

  return {
    /** The user says they are (or are no longer) typing in a conversation they are a member of; `to`: its other members. */
    set(conversationId: number, userId: number, typing: boolean, to: Audience): void {
      const id = key(conversationId, userId);
      if (!typing) {
        end(id);
        return;
      }
      const state = states.get(id) ?? { conversationId, userId, to, startedAt: Number.NEGATIVE_INFINITY, phase: "ended", timer: undefined };
      states.set(id, state);
      if (state.phase === "waiting") return;
      const wait = state.startedAt + options.throttleMs - Date.now();
      if (wait <= 0) start(id, state);
      else if (state.phase === "ended") {
        // Ended a moment ago: start again once the interval is over. (Still typing: the state lasts from its last broadcast.)
        state.phase = "waiting";
        schedule(state, wait, () => start(id, state));
      }
    },
    /** The user sent a message there: their typing state ends. */
    sent(conversationId: number, userId: number): void {
      end(key(conversationId, userId));
    },
    /** The user's last socket disconnected: every typing state of theirs ends. */
    gone(userId: number): void {
      for (const [id, state] of states) if (state.userId === userId) end(id);
    },
    /** How many typing states are active now. */
    get active(): number {
      let count = 0;
      for (const state of states.values()) if (state.phase === "typing") count++;
      return count;
    },
  };
}

export type TypingTracker = ReturnType<typeof createTypingTracker>;
