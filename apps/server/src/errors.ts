import { type ErrorBody, type ErrorCode, errorStatus } from "@hestia/contracts";
import { isDatabaseUnavailable } from "@hestia/db";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

/** A failure a user can act on. Services throw it; each transport maps it the same way. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { details?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return errorStatus[this.code];
  }

  /** Seconds for a Retry-After header (at least 1), when this failure says when to retry. */
  get retryAfterSeconds(): number | undefined {
    const { retryAfterMs } = this.extra;
    return retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000));
  }

  toBody(): ErrorBody {
    const { details, retryAfterMs } = this.extra;
    return {
      error: this.message,
      code: this.code,
      ...(details === undefined ? {} : { details }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
}

const appCodeByTrpcCode: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
  PARSE_ERROR: "BAD_REQUEST",
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
}

function isZodError(error: unknown): error is Error & { issues: ZodLikeIssue[] } {
  return error instanceof Error && error.name === "ZodError" && Array.isArray((error as { issues?: unknown }).issues);
}

/** Turns zod issues into a 400 whose message names the first problem. */
export function validationError(issues: ZodLikeIssue[]): AppError {
  const details = issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
  const first = details[0];
  const message = !first ? "Invalid input" : first.path ? `Invalid input: ${first.path}: ${first.message}` : first.message;
  return new AppError("VALIDATION_ERROR", message, { details });
}

const INTERNAL = () => new AppError("INTERNAL_ERROR", "Internal server error");
/** The database is away for a moment; nothing was stored half-way (each write is one transaction). */
const UNAVAILABLE = () => new AppError("UNAVAILABLE", "The service is briefly unavailable; retry in a moment", { retryAfterMs: 1_000 });

/**
 * The one place that decides what a failure looks like to a client: AppErrors pass through,
 * validation failures become 400s, tRPC errors keep their meaning, anything else is a 500
 * whose message reveals nothing.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isZodError(error)) return validationError(error.issues);
  if (error instanceof TRPCError) {
    if (error.cause instanceof AppError) return error.cause;
    if (isZodError(error.cause) && error.code === "BAD_REQUEST") return validationError(error.cause.issues);
    const code = appCodeByTrpcCode[error.code];
    if (code) return new AppError(code, error.message);
    return isDatabaseUnavailable(error.cause) ? UNAVAILABLE() : INTERNAL();
  }
  return isDatabaseUnavailable(error) ? UNAVAILABLE() : INTERNAL();
}

/** Whether this failure is a bug worth logging with its stack. */
export function isInternal(error: AppError): boolean {
  return error.status >= 500 && error.code !== "SERVICE_UNAVAILABLE" && error.code !== "UNAVAILABLE";
}
