import { z } from "zod";
import { EmptySchema, IdSchema, PageQuerySchema, page, SuccessSchema, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";
import { ProfileSchema } from "./users";

export const REPORT_REASONS = ["spam", "abuse", "illegal", "other"] as const;
export const ReportReasonSchema = z.enum(REPORT_REASONS).meta({ id: "ReportReason" });
export type ReportReason = z.infer<typeof ReportReasonSchema>;

export const REPORT_NOTE_MAX_LENGTH = 1000;

/**
 * A report names a message, a user, or both; with a message, `userId` may only name its sender (who is
 * implied when it is left out).
 */
export const ReportInputSchema = z
  .object({
    messageId: IdSchema.optional(),
    userId: IdSchema.optional(),
    reason: ReportReasonSchema,
    note: z.string().trim().max(REPORT_NOTE_MAX_LENGTH).optional(),
  })
  .refine((input) => input.messageId !== undefined || input.userId !== undefined, { message: "name a messageId or a userId" });

/** A report as moderators see it. */
export const ReportSchema = z
  .object({
    id: z.number().int(),
    reporterId: z.number().int().nullable(),
    userId: z.number().int().nullable(),
    messageId: z.number().int().nullable(),
    /** The reported message's text when it was reported (null for encrypted or deleted messages). */
    messageContent: z.string().nullable(),
    reason: ReportReasonSchema,
    note: z.string().nullable(),
    status: z.enum(["open", "resolved"]),
    createdAt: TimestampSchema,
    resolvedAt: TimestampSchema.nullable(),
    resolvedById: z.number().int().nullable(),
    resolution: z.string().nullable(),
  })
  .meta({ id: "Report" });
export type Report = z.infer<typeof ReportSchema>;

/** One recorded action of a server admin: who did what to whom, when. */
export const AdminActionSchema = z
  .object({
    id: z.number().int(),
    /** The admin who acted; null for actions taken with `npm run admin` on the server's command line. */
    adminId: z.number().int().nullable(),
    action: z.enum(["suspend", "unsuspend", "delete_message", "resolve_report", "grant_admin", "revoke_admin"]),
    targetUserId: z.number().int().nullable(),
    targetMessageId: z.number().int().nullable(),
    reportId: z.number().int().nullable(),
    details: z.string().nullable(),
    createdAt: TimestampSchema,
  })
  .meta({ id: "AdminAction" });
export type AdminAction = z.infer<typeof AdminActionSchema>;
export type AdminActionKind = AdminAction["action"];

/** A user you blocked, and when. */
export const BlockedUserSchema = ProfileSchema.extend({ blockedAt: TimestampSchema }).meta({ id: "BlockedUser" });
export type BlockedUser = z.infer<typeof BlockedUserSchema>;

/** At most this many new reports per user and hour (a repeat of an open report of yours is not a new one). */
export const REPORTS_PER_HOUR = 20;

/** At most this many data exports per user and hour. */
export const EXPORTS_PER_HOUR = 5;

export const blocksContract = {
  block: endpoint({
    method: "POST",
    path: "/users/{id}/block",
    input: z.object({ id: IdSchema }),
    output: SuccessSchema,
    auth: true,
    summary: "Block a user",
    description:
      "Ends any friendship and pending friend requests both ways. Friend requests between you are then refused (403) " +
      "either way until you unblock, their DMs answer like those of any non-friend (403), and you get no push " +
      "notifications for their messages (in groups you share, too). Blocking someone already blocked changes nothing.",
    tags: ["safety"],
    errors: ["BAD_REQUEST", "NOT_FOUND"],
  }),
  unblock: endpoint({
    method: "DELETE",
    path: "/users/{id}/block",
    input: z.object({ id: IdSchema }),
    output: SuccessSchema,
    auth: true,
    summary: "Unblock a user (the friendship is not restored); unblocking someone not blocked changes nothing",
    tags: ["safety"],
    errors: ["NOT_FOUND"],
  }),
  blocked: endpoint({
    method: "GET",
    path: "/users/blocked",
    input: PageQuerySchema,
    output: page(BlockedUserSchema),
    auth: true,
    summary: "Users you have blocked, most recently blocked first",
    tags: ["safety"],
    errors: ["VALIDATION_ERROR", "BAD_REQUEST"],
  }),
};

export const reportsContract = {
  create: endpoint({
    method: "POST",
    path: "/reports",
    input: ReportInputSchema,
    output: z.object({ id: z.number().int() }),
    successStatus: 201,
    auth: true,
    summary: "Report a message or a user to the server's moderators",
    description:
      "You may report messages of conversations you are in (any other message answers 404), and any user but yourself. " +
      "Reporting what you already reported, while that report is open, answers the same report's id. " +
      `At most ${REPORTS_PER_HOUR} new reports per hour by default (RATE_LIMIT_REPORTS; 429 past it).`,
    tags: ["safety"],
    errors: ["VALIDATION_ERROR", "BAD_REQUEST", "NOT_FOUND", "RATE_LIMITED"],
  }),
};

export const adminContract = {
  reports: endpoint({
    method: "GET",
    path: "/admin/reports",
    input: PageQuerySchema.extend({ status: z.enum(["open", "resolved"]).optional() }),
    output: page(ReportSchema),
    auth: true,
    summary: "The reports queue (server admins): open reports oldest first, then resolved ones newest first",
    description: "`status` keeps one of the two parts of the queue.",
    tags: ["admin"],
    errors: ["VALIDATION_ERROR", "BAD_REQUEST", "FORBIDDEN"],
  }),
  resolveReport: endpoint({
    method: "POST",
    path: "/admin/reports/{id}/resolve",
    input: z.object({ id: IdSchema, resolution: z.string().trim().max(1000).optional() }),
    output: ReportSchema,
    auth: true,
    summary: "Mark a report resolved, with what was done (server admins); a resolved report answers 409",
    tags: ["admin"],
    errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT"],
  }),
  suspend: endpoint({
    method: "POST",
    path: "/admin/users/{id}/suspend",
    input: z.object({ id: IdSchema, reason: z.string().trim().max(1000).optional() }),
    output: SuccessSchema,
    auth: true,
    summary: "Suspend a user: their sessions end, their sockets drop, and they cannot log in (server admins)",
    description:
      "Every token of the account is refused at once on every server process, login and refresh answer 403 SUSPENDED, " +
      "and so does every request or connection with one of its tokens. You cannot suspend yourself (400). " +
      "Suspending a suspended user changes nothing.",
    tags: ["admin"],
    errors: ["FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"],
  }),
  unsuspend: endpoint({
    method: "POST",
    path: "/admin/users/{id}/unsuspend",
    input: z.object({ id: IdSchema }),
    output: SuccessSchema,
    auth: true,
    summary: "Lift a suspension (server admins); the user signs in again",
    tags: ["admin"],
    errors: ["FORBIDDEN", "NOT_FOUND"],
  }),
  deleteMessage: endpoint({
    method: "DELETE",
    path: "/admin/messages/{id}",
    input: z.object({ id: IdSchema }),
    output: z.void(),
    successStatus: 204,
    auth: true,
    summary: "Delete any message for everyone, leaving a tombstone (server admins)",
    description:
      "The message keeps its id and seq in history with `deletedAt` set and `content` null; its text or ciphertext is " +
      "erased. The conversation's members get `messageDeleted`. Deleting a deleted message changes nothing.",
    tags: ["admin"],
    errors: ["FORBIDDEN", "NOT_FOUND"],
  }),
  actions: endpoint({
    method: "GET",
    path: "/admin/actions",
    input: PageQuerySchema,
    output: page(AdminActionSchema),
    auth: true,
    summary: "Every admin action (who, what, when), newest first (server admins)",
    tags: ["admin"],
    errors: ["VALIDATION_ERROR", "BAD_REQUEST", "FORBIDDEN"],
  }),
};

/** Everything the server holds about you, as `GET /users/me/export` streams it. */
export const DataExportSchema = z
  .object({
    exportedAt: TimestampSchema,
    profile: ProfileSchema,
    friends: z.array(ProfileSchema),
    groups: z.array(z.object({ id: z.number().int(), name: z.string(), role: z.string(), joinedAt: TimestampSchema })),
    /** Every session of the account, ended ones included. */
    sessions: z.array(
      z.object({
        id: z.number().int(),
        createdAt: TimestampSchema,
        lastUsedAt: TimestampSchema,
        userAgent: z.string().nullable(),
        revokedAt: TimestampSchema.nullable(),
      }),
    ),
    blocked: z.array(z.object({ id: z.number().int(), username: z.string(), blockedAt: TimestampSchema })),
    /** Reports you filed. */
    reports: z.array(
      z.object({
        id: z.number().int(),
        messageId: z.number().int().nullable(),
        userId: z.number().int().nullable(),
        reason: ReportReasonSchema,
        note: z.string().nullable(),
        status: z.enum(["open", "resolved"]),
        createdAt: TimestampSchema,
      }),
    ),
    /** The messages you sent, oldest first (encrypted ones without their ciphertext; deleted ones as tombstones). */
    messages: z.array(
      z.object({
        id: z.number().int(),
        conversationId: z.number().int(),
        seq: z.number().int(),
        content: z.string().nullable(),
        encrypted: z.boolean(),
        createdAt: TimestampSchema,
        deletedAt: TimestampSchema.nullable(),
      }),
    ),
  })
  .meta({ id: "DataExport" });
export type DataExport = z.infer<typeof DataExportSchema>;

/**
 * `GET /users/me/export`: an Express route of its own (the answer is streamed, not built in memory), so
 * it is not in the tRPC router; the SDK calls it like any other endpoint.
 */
export const exportContract = {
  export: endpoint({
    method: "GET",
    path: "/users/me/export",
    input: EmptySchema,
    output: DataExportSchema,
    auth: true,
    summary: "Your data as JSON (profile, friends, groups, sessions, blocks, reports and the messages you sent), streamed",
    description: `At most ${EXPORTS_PER_HOUR} exports per hour by default (RATE_LIMIT_EXPORTS; 429 past it).`,
    tags: ["users"],
    errors: ["RATE_LIMITED"],
  }),
};
