import { z } from "zod";
import { EmptySchema, IdSchema, SuccessSchema, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";

export const UserStatusSchema = z.enum(["active", "offline", "do_not_disturb"]).meta({ id: "UserStatus" });
export type UserStatus = z.infer<typeof UserStatusSchema>;

export const BIO_MAX_LENGTH = 500;
export const PROFILE_PICTURE_URL_MAX_LENGTH = 2048;

/** A user's public profile. `profilePictureUrl` is an absolute URL or null. */
export const ProfileSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    bio: z.string(),
    status: UserStatusSchema,
    profilePictureUrl: z.string().nullable(),
    createdAt: TimestampSchema,
  })
  .meta({ id: "Profile" });
export type Profile = z.infer<typeof ProfileSchema>;

export const BioInputSchema = z.object({
  bio: z.string().trim().max(BIO_MAX_LENGTH, `bio must be at most ${BIO_MAX_LENGTH} characters`),
});

export const StatusInputSchema = z.object({ status: UserStatusSchema });

export const FcmTokenInputSchema = z.object({ token: z.string().trim().min(1).max(512) });

/** An https URL to use as the profile picture, or null to remove it. */
export const ProfilePictureUrlInputSchema = z.object({
  profilePictureUrl: z
    .url({ protocol: /^https$/, message: "profilePictureUrl must be an https URL" })
    .max(PROFILE_PICTURE_URL_MAX_LENGTH)
    .nullable(),
});

export const USER_SEARCH_MAX_LIMIT = 50;

/** `q`: the start of a username, 2–32 characters, any letter case. */
export const UserSearchQuerySchema = z.object({
  q: z.string().trim().min(2, "q must be at least 2 characters").max(32, "q must be at most 32 characters"),
  limit: z.coerce.number().int().min(1).max(USER_SEARCH_MAX_LIMIT).default(20),
});

/** Your own settings. */
export const UserSettingsSchema = z
  .object({
    /** Others see how far you have read (default true). Off: they see your `readSeq` as null, and you see theirs as null. */
    readReceipts: z.boolean(),
  })
  .meta({ id: "UserSettings" });
export type UserSettings = z.infer<typeof UserSettingsSchema>;

/** A change of settings (only `true` or `false`: REST would read the string "false" as true). */
export const UserSettingsInputSchema = z.object({ readReceipts: z.union([z.literal(true), z.literal(false)]).optional() });

export const usersContract = {
  me: endpoint({
    method: "GET",
    path: "/users/me",
    input: EmptySchema,
    output: ProfileSchema,
    auth: true,
    summary: "Your own profile",
    tags: ["users"],
    errors: [],
  }),
  deleteMe: endpoint({
    method: "DELETE",
    path: "/users/me",
    input: EmptySchema,
    output: z.void(),
    successStatus: 204,
    auth: true,
    summary: "Delete your account and all its data",
    description: "Every token issued for the account stops working at once.",
    tags: ["users"],
    errors: [],
  }),
  byUsername: endpoint({
    method: "GET",
    path: "/users/by-username/{username}",
    input: z.object({ username: z.string().min(1).max(64) }),
    output: ProfileSchema,
    auth: true,
    summary: "A user's public profile, by username (any letter case)",
    tags: ["users"],
    errors: ["NOT_FOUND", "RATE_LIMITED"],
  }),
  byId: endpoint({
    method: "GET",
    path: "/users/by-id/{id}",
    input: z.object({ id: IdSchema }),
    output: ProfileSchema,
    auth: true,
    summary: "A user's public profile, by id",
    tags: ["users"],
    errors: ["NOT_FOUND", "RATE_LIMITED"],
  }),
  setProfilePictureUrl: endpoint({
    method: "PATCH",
    path: "/users/profile-picture",
    input: ProfilePictureUrlInputSchema,
    output: ProfileSchema,
    auth: true,
    summary: "Set your profile picture to an https URL (or null to remove it)",
    tags: ["users"],
    errors: ["VALIDATION_ERROR"],
  }),
  setStatus: endpoint({
    method: "PATCH",
    path: "/users/status",
    input: StatusInputSchema,
    output: ProfileSchema,
    auth: true,
    summary: "Set your status",
    tags: ["users"],
    errors: ["VALIDATION_ERROR"],
  }),
  setFcmToken: endpoint({
    method: "PATCH",
    path: "/users/fcm-token",
    input: FcmTokenInputSchema,
    output: SuccessSchema,
    auth: true,
    summary: "Register a device's push token (a user may have many)",
    description:
      "A device's Firebase Cloud Messaging token: while none of your devices is connected and your status is not " +
      "do_not_disturb, new messages are pushed to every registered token. A token belongs to the account that " +
      "registered it last; each account keeps its 20 most recent tokens.",
    tags: ["users"],
    errors: ["VALIDATION_ERROR"],
  }),
  removeFcmToken: endpoint({
    method: "DELETE",
    path: "/users/fcm-token",
    input: FcmTokenInputSchema,
    output: SuccessSchema,
    auth: true,
    summary: "Unregister a device's push token (on logout); unknown tokens are ignored",
    tags: ["users"],
    errors: ["VALIDATION_ERROR"],
  }),
  setBio: endpoint({
    method: "PATCH",
    path: "/users/bio",
    input: BioInputSchema,
    output: ProfileSchema,
    auth: true,
    summary: "Set your bio (at most 500 characters)",
    tags: ["users"],
    errors: ["VALIDATION_ERROR"],
  }),
  search: endpoint({
    method: "GET",
    path: "/users/search",
    input: UserSearchQuerySchema,
    output: z.array(ProfileSchema),
    auth: true,
    summary: "Users whose username starts with q (any letter case), in username order",
    description:
      "At most `limit` (default 20, max 50) profiles. Yourself, suspended accounts and users who blocked you are not listed. " +
      "Rate limited per user (429 with Retry-After).",
    tags: ["users"],
    errors: ["VALIDATION_ERROR", "RATE_LIMITED"],
  }),
  settings: endpoint({
    method: "GET",
    path: "/users/settings",
    input: EmptySchema,
    output: UserSettingsSchema,
    auth: true,
    summary: "Your settings",
    tags: ["users"],
    errors: [],
  }),
  updateSettings: endpoint({
    method: "PATCH",
    path: "/users/settings",
    input: UserSettingsInputSchema,
    output: UserSettingsSchema,
    auth: true,
    summary: "Change your settings (readReceipts)",
    description:
      "With `readReceipts: false` others see your read cursor as null and get no `receipt` for your reads (delivery is still shown); you see no read receipts from others; your own unread counts keep working.",
    tags: ["users"],
    errors: ["VALIDATION_ERROR"],
  }),
};
