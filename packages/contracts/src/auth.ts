import { z } from "zod";
import { EmptySchema, IdSchema, PageQuerySchema, page, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";

/** 3–32 letters (any script), digits, `_`, `.` or `-`. Unique regardless of letter case. */
export const UsernameSchema = z
  .string()
  .trim()
  .min(3, "username must be at least 3 characters")
  .max(32, "username must be at most 32 characters")
  // Combining marks belong to the letter before them (Devanagari vowel signs, a decomposed é).
  .regex(/^(?:[\p{L}\p{N}_.-]\p{M}*)+$/u, "username may contain only letters, digits, _ . and -");

/** 8–128 characters, taken exactly as typed. */
export const PasswordSchema = z
  .string()
  .min(8, "password must be at least 8 characters")
  .max(128, "password must be at most 128 characters");

export const CredentialsSchema = z.object({ username: UsernameSchema, password: PasswordSchema });
export type Credentials = z.infer<typeof CredentialsSchema>;

/** Login accepts any non-empty strings so that old accounts never fail validation before the check. */
export const LoginInputSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const UserSummarySchema = z.object({ id: z.number().int(), username: z.string() }).meta({ id: "UserSummary" });
export type UserSummary = z.infer<typeof UserSummarySchema>;

/**
 * A signed-in session: the user, a short-lived access `token` (the bearer token of every request) and a
 * single-use `refreshToken` that `POST /auth/refresh` exchanges for a new pair.
 */
export const AuthResultSchema = z
  .object({ user: UserSummarySchema, token: z.string(), refreshToken: z.string() })
  .meta({ id: "AuthResult" });
export type AuthResult = z.infer<typeof AuthResultSchema>;

export const RefreshInputSchema = z.object({ refreshToken: z.string().min(1).max(200) });

/** A new access token and the refresh token that replaces the one just used. */
export const TokenPairSchema = z.object({ token: z.string(), refreshToken: z.string() }).meta({ id: "TokenPair" });
export type TokenPair = z.infer<typeof TokenPairSchema>;

/** One signed-in session (a device or browser) of your account. */
export const SessionSchema = z
  .object({
    id: z.number().int(),
    createdAt: TimestampSchema,
    lastUsedAt: TimestampSchema,
    userAgent: z.string().nullable(),
    /** Whether this is the session the request came from. */
    current: z.boolean(),
  })
  .meta({ id: "Session" });
export type Session = z.infer<typeof SessionSchema>;

export const ChangePasswordInputSchema = z.object({ currentPassword: z.string().min(1).max(256), newPassword: PasswordSchema });

export const AuthStatusSchema = z.object({ authenticated: z.literal(true), user: UserSummarySchema }).meta({ id: "AuthStatus" });
export type AuthStatus = z.infer<typeof AuthStatusSchema>;

export const authContract = {
  register: endpoint({
    method: "POST",
    path: "/auth/register",
    input: CredentialsSchema,
    output: AuthResultSchema,
    successStatus: 201,
    auth: false,
    summary: "Create an account and get a token",
    tags: ["auth"],
    errors: ["VALIDATION_ERROR", "USERNAME_TAKEN", "RATE_LIMITED"],
  }),
  login: endpoint({
    method: "POST",
    path: "/auth/login",
    input: LoginInputSchema,
    output: AuthResultSchema,
    auth: false,
    summary: "Log in and get a token",
    tags: ["auth"],
    errors: ["VALIDATION_ERROR", "INVALID_CREDENTIALS", "SUSPENDED", "RATE_LIMITED"],
  }),
  refresh: endpoint({
    method: "POST",
    path: "/auth/refresh",
    input: RefreshInputSchema,
    output: TokenPairSchema,
    auth: false,
    summary: "Exchange a refresh token for a new access token and refresh token",
    description:
      "A refresh token works once. Presenting one that was already used ends its whole session (it was copied), " +
      "so the rightful device notices on its next refresh; the account's other sessions go on.",
    tags: ["auth"],
    errors: ["VALIDATION_ERROR", "UNAUTHORIZED", "SUSPENDED", "RATE_LIMITED"],
  }),
  logout: endpoint({
    method: "POST",
    path: "/auth/logout",
    input: EmptySchema,
    output: z.void(),
    successStatus: 204,
    auth: true,
    summary: "End this session: its tokens stop working and its realtime connections close",
    tags: ["auth"],
    errors: [],
  }),
  sessions: endpoint({
    method: "GET",
    path: "/auth/sessions",
    input: PageQuerySchema,
    output: page(SessionSchema),
    auth: true,
    summary: "Your signed-in sessions, most recently used first",
    tags: ["auth"],
    errors: ["VALIDATION_ERROR"],
  }),
  revokeSession: endpoint({
    method: "DELETE",
    path: "/auth/sessions/{id}",
    input: z.object({ id: IdSchema }),
    output: z.void(),
    successStatus: 204,
    auth: true,
    summary: "End one of your sessions (e.g. a lost phone's): its tokens stop working and its connections close",
    tags: ["auth"],
    errors: ["NOT_FOUND"],
  }),
  changePassword: endpoint({
    method: "POST",
    path: "/auth/password",
    input: ChangePasswordInputSchema,
    output: z.void(),
    successStatus: 204,
    auth: true,
    summary: "Change your password; every other session ends",
    description: "A wrong current password answers 403 and changes nothing.",
    tags: ["auth"],
    errors: ["VALIDATION_ERROR", "FORBIDDEN", "RATE_LIMITED"],
  }),
  signOutEverywhere: endpoint({
    method: "POST",
    path: "/auth/sign-out-everywhere",
    input: z.object({}),
    output: AuthResultSchema,
    auth: true,
    summary: "Revoke every token of your account (all sessions, on every device) and get a new one for this session",
    description: "Realtime connections of the account are closed; other devices must log in again.",
    tags: ["auth"],
    errors: [],
  }),
  status: endpoint({
    method: "GET",
    path: "/auth/status",
    input: z.object({}),
    output: AuthStatusSchema,
    auth: true,
    summary: "Who the token belongs to",
    tags: ["auth"],
    errors: [],
  }),
};
