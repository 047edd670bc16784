import { type ErrorCode, errorStatus } from "@hestia/contracts";

/**
 * Codes the SDK reports on its own, beyond the API's: the server could not be reached, or did not answer
 * in time; an encrypted message could not be decrypted; this device cannot encrypt for a conversation yet.
 */
export type ClientErrorCode = "NETWORK_ERROR" | "TIMEOUT" | "DECRYPTION_FAILED" | "E2EE_NOT_READY";

/**
 * Every failure the SDK reports, from REST and socket acknowledgements alike: the HTTP status (0 when
 * the server was not reached), the API's code and message, and for bad input the API's details.
 */
export class HestiaError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly details?: unknown,
    /** With RATE_LIMITED: how long to wait before trying again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "HestiaError";
  }

  /** Builds the error an API error body `{ error, code, details? }` describes. */
  static fromBody(body: unknown, status?: number): HestiaError {
    const { error, code, details, retryAfterMs } = (isErrorBody(body) ? body : {}) as Partial<ErrorBodyLike>;
    const knownCode = code && Object.hasOwn(errorStatus, code) ? (code as ErrorCode) : "INTERNAL_ERROR";
    const wait = typeof retryAfterMs === "number" && Number.isFinite(retryAfterMs) ? retryAfterMs : undefined;
    return new HestiaError(status ?? errorStatus[knownCode], knownCode, error ?? "Request failed", details, wait);
  }

  /** Whether retrying the same request (with the same idempotency key) may succeed. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 503;
  }
}

interface ErrorBodyLike {
  error: string;
  code: string;
  details?: unknown;
  retryAfterMs?: unknown;
}

/** Whether a value is an API error body (how failed socket acknowledgements look). */
export function isErrorBody(value: unknown): value is ErrorBodyLike {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as ErrorBodyLike).error === "string" &&
    typeof (value as ErrorBodyLike).code === "string"
  );
}
