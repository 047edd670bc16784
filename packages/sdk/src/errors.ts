import type { ErrorCode } from "@hestia/contracts";

/** Every failure the SDK reports: the HTTP status (0 for network failures), the API's code and message. */
export class HestiaError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "NETWORK_ERROR",
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "HestiaError";
  }
}
