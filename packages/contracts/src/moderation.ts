import { z } from "zod";
import { EmptySchema, IdSchema, PageQuerySchema, page, SuccessSchema, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";
import { ProfileSchema } from "./users";

export const REPORT_REASONS = ["spam", "abuse", "illegal", "other"] as const;
export const ReportReasonSchema = z.enum(REPORT_REASONS).meta({ id: "ReportReason" });

export const REPORT_NOTE_MAX_LENGTH = 1000;

/** A report names a message, a user, or both (the message's sender is then implied). */
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

export const blocksContract = {
  block: endpoint({
    method: "POST",
    path: "/users/{id}/block",
    input: z.object({ id: IdSchema }),
    output: SuccessSchema,
    auth: true,
    summary: "Block a user",
    description:
      "Ends any friendship and pending friend requests both ways. The blocked user's friend requests to you are then " +
      "refused (403), their DMs answer like those of any non-friend, and they no longer find you in user search.",
    tags: ["safety"],
    errors: ["BAD_REQUEST", "NOT_FOUND"],
  }),
  unblock: endpoint({
    method: "DELETE",
    path: "/users/{id}/block",
    input: z.object({ id: IdSchema }),
    output: SuccessSchema,
    auth: true,
    summary: "Unblock a user (the friendship is not restored)",
    tags: ["safety"],
    errors: ["NOT_FOUND"],
  }),
  blocked: endpoint({
    method: "GET",
    path: "/users/blocked",
    input: PageQuerySchema,
    output: page(ProfileSchema),
    auth: true,
    summary: "Users you have blocked, most recent first",
    tags: ["safety"],
    errors: ["VALIDATION_ERROR"],
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
    description: "You may report messages of conversations you are in, and any user.",
    tags: ["safety"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND", "RATE_LIMITED"],
  }),
};

export const adminContract = {
  reports: endpoint({
    method: "GET",
    path: "/admin/reports",
    input: PageQuerySchema.extend({ status: z.enum(["open", "resolved"]).default("open") }),
    output: page(ReportSchema),
    auth: true,
    summary: "The reports queue, oldest first (server admins)",
    tags: ["admin"],
    errors: ["FORBIDDEN"],
  }),
  resolveReport: endpoint({
    method: "POST",
    path: "/admin/reports/{id}/resolve",
    input: z.object({ id: IdSchema, resolution: z.string().trim().max(1000).optional() }),
    output: ReportSchema,
    auth: true,
    summary: "Mark a report resolved, with what was done (server admins)",
    tags: ["admin"],
    errors: ["FORBIDDEN", "NOT_FOUND"],
  }),
  suspend: endpoint({
    method: "POST",
    path: "/admin/users/{id}/suspend",
    input: z.object({ id: IdSchema, reason: z.string().trim().max(1000).optional() }),
    output: SuccessSchema,
    auth: true,
    summary: "Suspend a user: their sessions end, their sockets drop, and they cannot log in (server admins)",
    tags: ["admin"],
    errors: ["FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"],
  }),
  unsuspend: endpoint({
    method: "POST",
    path: "/admin/users/{id}/unsuspend",
    input: z.object({ id: IdSchema }),
    output: SuccessSchema,
    auth: true,
    summary: "Lift a suspension (server admins)",
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
    errors: ["FORBIDDEN"],
  }),
};

export const exportContract = {
  export: endpoint({
    method: "GET",
    path: "/users/me/export",
    input: EmptySchema,
    output: z.object({
      exportedAt: TimestampSchema,
      profile: ProfileSchema,
      friends: z.array(ProfileSchema),
      groups: z.array(z.object({ id: z.number().int(), name: z.string(), role: z.string(), joinedAt: TimestampSchema })),
      sessions: z.array(
        z.object({ id: z.number().int(), createdAt: TimestampSchema, lastUsedAt: TimestampSchema, userAgent: z.string().nullable() }),
      ),
      messages: z.array(
        z.object({
          id: z.number().int(),
          conversationId: z.number().int(),
          seq: z.number().int(),
          content: z.string().nullable(),
          encrypted: z.boolean(),
          createdAt: TimestampSchema,
        }),
      ),
    }),
    auth: true,
    summary: "Your data as JSON (profile, friends, groups, sessions and the messages you sent), streamed",
    tags: ["users"],
    errors: ["RATE_LIMITED"],
  }),
};
