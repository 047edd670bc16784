import { z } from "zod";

/**
 * Every machine-readable error code the API can answer with, and the HTTP status each maps to.
 * Sockets report the same codes in their `{ error, code }` acknowledgements.
 */
export const errorStatus = {
  BAD_REQUEST: 400,
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  TOKEN_EXPIRED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  SUSPENDED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  USERNAME_TAKEN: 409,
  ALREADY_FRIENDS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

/** A machine-readable error code. */
export type ErrorCode = keyof typeof errorStatus;

/** Zod schema of {@link ErrorCode}. */
export const ErrorCodeSchema = z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]);

/** The body of every error response: a human message, a code and, for bad input, the issues. */
export const ErrorBodySchema = z
  .object({
    error: z.string(),
    code: ErrorCodeSchema,
    details: z.unknown().optional(),
    /** With RATE_LIMITED and UNAVAILABLE: when a retry may succeed (REST answers also carry `Retry-After`). */
    retryAfterMs: z.number().int().nonnegative().optional(),
  })
  .meta({ id: "Error" });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
