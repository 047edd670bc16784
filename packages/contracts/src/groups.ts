import { z } from "zod";
import { IdSchema, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";
import { historyQuery, MessageSchema, sendMessage } from "./messages";
import { ProfileSchema } from "./users";

export const GroupRoleSchema = z.enum(["OWNER", "ADMIN", "MEMBER"]).meta({ id: "GroupRole" });
export type GroupRole = z.infer<typeof GroupRoleSchema>;

const NameSchema = z.string().trim().min(1, "name must not be empty").max(100, "name must be at most 100 characters");
const DescriptionSchema = z.string().trim().max(1000, "description must be at most 1000 characters");

/** A group as its members see it; `role` and `memberCount` describe your membership. */
export const GroupSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    isPrivate: z.boolean(),
    /** Only end-to-end encrypted messages are accepted, and membership changes go through MLS commits. */
    encrypted: z.boolean(),
    createdAt: TimestampSchema,
    createdById: z.number().int().nullable(),
    role: GroupRoleSchema,
    memberCount: z.number().int(),
  })
  .meta({ id: "Group" });
export type Group = z.infer<typeof GroupSchema>;

export const MembershipSchema = z
  .object({ groupId: z.number().int(), userId: z.number().int(), role: GroupRoleSchema, joinedAt: TimestampSchema })
  .meta({ id: "Membership" });
export type Membership = z.infer<typeof MembershipSchema>;

export const GroupMemberSchema = ProfileSchema.extend({ role: GroupRoleSchema, joinedAt: TimestampSchema }).meta({ id: "GroupMember" });
export type GroupMember = z.infer<typeof GroupMemberSchema>;

export const GroupDetailsSchema = GroupSchema.extend({ members: z.array(GroupMemberSchema) }).meta({ id: "GroupDetails" });
export type GroupDetails = z.infer<typeof GroupDetailsSchema>;

export const CreateGroupSchema = z.object({
  name: NameSchema,
  description: DescriptionSchema.optional(),
  isPrivate: z.boolean().optional(),
  /** An end-to-end encrypted group (see `/e2ee`); fixed at creation. */
  encrypted: z.boolean().optional(),
});
export const UpdateGroupSchema = z.object({
  name: NameSchema.optional(),
  description: DescriptionSchema.nullable().optional(),
  isPrivate: z.boolean().optional(),
});

const groupId = { id: IdSchema };
const memberPath = { id: IdSchema, userId: IdSchema };

export const groupsContract = {
  create: endpoint({
    method: "POST",
    path: "/groups",
    input: CreateGroupSchema,
    output: GroupSchema,
    successStatus: 201,
    auth: true,
    summary: "Create a group; you become its owner",
    tags: ["groups"],
    errors: ["VALIDATION_ERROR"],
  }),
  list: endpoint({
    method: "GET",
    path: "/groups",
    input: z.object({}),
    output: z.array(GroupSchema),
    auth: true,
    summary: "The groups you belong to, with your role and the member count",
    tags: ["groups"],
    errors: [],
  }),
  get: endpoint({
    method: "GET",
    path: "/groups/{id}",
    input: z.object(groupId),
    output: GroupDetailsSchema,
    auth: true,
    summary: "A group with its members (members only)",
    tags: ["groups"],
    errors: ["NOT_FOUND"],
  }),
  update: endpoint({
    method: "PUT",
    path: "/groups/{id}",
    input: UpdateGroupSchema.extend(groupId),
    output: GroupSchema,
    auth: true,
    summary: "Change a group's name, description or privacy (admins)",
    tags: ["groups"],
    errors: ["VALIDATION_ERROR", "FORBIDDEN", "NOT_FOUND"],
  }),
  remove: endpoint({
    method: "DELETE",
    path: "/groups/{id}",
    input: z.object(groupId),
    output: z.void(),
    successStatus: 204,
    auth: true,
    summary: "Delete a group with its messages (owner)",
    tags: ["groups"],
    errors: ["FORBIDDEN", "NOT_FOUND"],
  }),
  sendMessage: endpoint({
    method: "POST",
    path: "/groups/{id}/messages",
    input: sendMessage(groupId),
    output: MessageSchema,
    successStatus: 201,
    auth: true,
    summary: "Send a message to a group (members)",
    tags: ["groups", "messages"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND", "CONFLICT", "RATE_LIMITED"],
  }),
  messages: endpoint({
    method: "GET",
    path: "/groups/{id}/messages",
    input: historyQuery(groupId),
    output: z.array(MessageSchema),
    auth: true,
    summary: "A group's message history, oldest first (members)",
    tags: ["groups", "messages"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
  addMember: endpoint({
    method: "POST",
    path: "/groups/{id}/members/{userId}",
    input: z.object(memberPath),
    output: MembershipSchema,
    auth: true,
    summary: "Add one of your friends to a group (admins)",
    tags: ["groups"],
    errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT"],
  }),
  removeMember: endpoint({
    method: "DELETE",
    path: "/groups/{id}/members/{userId}",
    input: z.object(memberPath),
    output: z.void(),
    successStatus: 204,
    auth: true,
    summary: "Remove a member (admins), or leave (yourself). The owner cannot be removed.",
    tags: ["groups"],
    errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT"],
  }),
  setRole: endpoint({
    method: "PATCH",
    path: "/groups/{id}/members/{userId}",
    input: z.object({ ...memberPath, role: z.enum(["ADMIN", "MEMBER"]) }),
    output: MembershipSchema,
    auth: true,
    summary: "Make a member an admin or a plain member (owner)",
    tags: ["groups"],
    errors: ["VALIDATION_ERROR", "FORBIDDEN", "NOT_FOUND"],
  }),
};
