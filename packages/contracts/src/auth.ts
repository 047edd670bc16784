import { z } from "zod";
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

export const AuthResultSchema = z.object({ user: UserSummarySchema, token: z.string() }).meta({ id: "AuthResult" });
export type AuthResult = z.infer<typeof AuthResultSchema>;

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
    errors: ["VALIDATION_ERROR", "INVALID_CREDENTIALS", "RATE_LIMITED"],
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
