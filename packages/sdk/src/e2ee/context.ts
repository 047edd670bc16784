import type { ErrorCode } from "@hestia/contracts";
import { HestiaError } from "../errors";
import type { Conversations } from "./conversations";
import type { DeviceRecord, DeviceStore } from "./device-store";
import type { KeyedLock } from "./lock";
import type { E2eeEvents, E2eeSession } from "./types";

/**
 * What the E2EE modules share once this device is registered. Holding one is the proof that the device
 * exists: no module runs before registration, so none has to ask whether there is a device.
 */
export interface DeviceContext {
  readonly session: E2eeSession;
  readonly device: DeviceRecord;
  readonly store: DeviceStore;
  readonly conversations: Conversations;
  /** Runs work one at a time per conversation: whatever reads or changes a conversation's group holds its lock. */
  readonly withLock: KeyedLock<number>;
  /** How many one-time key packages the device keeps on the server. */
  readonly keyPackageTarget: number;
  /** Reports background work that failed, or a message or welcome that could not be used, as an `error` event. */
  report(error: unknown): void;
  /** Hands a decrypted message, edit, reaction or deletion to the app as an event. */
  emit<K extends Exclude<keyof E2eeEvents, "error">>(event: K, payload: E2eeEvents[K]): void;
}

/** How many messages or commits are read per request. */
export const PAGE = 100;

/** How often a commit (or a send) is tried again after another device's commit won the epoch. */
export const MAX_COMMIT_ATTEMPTS = 6;

export const e2eeError = (code: "DECRYPTION_FAILED" | "E2EE_NOT_READY", message: string, details?: unknown) =>
  new HestiaError(0, code, message, details);

/** A request this device refuses before anything is sent, as the server would answer it. */
export const refusal = (code: keyof typeof REFUSAL_STATUS, message: string, details?: unknown) =>
  new HestiaError(REFUSAL_STATUS[code], code, message, details);

const REFUSAL_STATUS = { VALIDATION_ERROR: 400, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 } as const;

/** Anything thrown, as the error the `error` event carries. */
export function asHestiaError(error: unknown): HestiaError {
  return error instanceof HestiaError ? error : e2eeError("DECRYPTION_FAILED", error instanceof Error ? error.message : String(error));
}

/** The server accepted another commit first: this device's view of the group is one epoch behind. */
export const isEpochConflict = (error: unknown) =>
  error instanceof HestiaError && error.code === "CONFLICT" && /epoch/i.test(error.message);

/**
 * Runs `work`, which calls the server; undefined when the server answers with one of `codes`, which the
 * caller expects as a normal outcome (a conversation that is gone, a device not allowed to add another).
 */
export async function tolerate<T>(codes: readonly ErrorCode[], work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HestiaError && (codes as readonly string[]).includes(error.code)) return undefined;
    throw error;
  }
}

/** Receives a group's messages live (best effort: a closed connection is rejoined by realtime itself). */
export async function follow(ctx: DeviceContext, groupId: number): Promise<void> {
  if (!ctx.session.realtime.connected) return;
  await ctx.session.realtime.joinGroup(groupId).catch((error: unknown) => ctx.report(error));
}
