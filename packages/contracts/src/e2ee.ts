import { z } from "zod";
import { IdSchema, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";
import { GroupRoleSchema } from "./groups";

/**
 * End-to-end encryption: the server is a directory of devices and key packages, and an ordered relay of
 * MLS (RFC 9420) handshake messages and ciphertext. It never holds a key that decrypts a message.
 */

/** The one MLS ciphersuite Hestia devices speak. */
export const E2EE_CIPHERSUITE = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";

/** The MLS group id of a conversation (UTF-8 bytes of this string). */
export function mlsGroupId(conversationId: number): string {
  return `hestia:conversation:${conversationId}`;
}

/** The identity in a device's MLS basic credential (UTF-8 bytes of this string). */
export function deviceIdentity(userId: number, deviceId: number): string {
  return `hestia:device:${userId}:${deviceId}`;
}

/** Reads {@link deviceIdentity} back; undefined when the text is not one. */
export function parseDeviceIdentity(identity: string): { userId: number; deviceId: number } | undefined {
  const match = /^hestia:device:([1-9]\d{0,9}):([1-9]\d{0,9})$/.exec(identity);
  return match ? { userId: Number(match[1]), deviceId: Number(match[2]) } : undefined;
}

export const MAX_DEVICES_PER_USER = 20;
export const MAX_KEY_PACKAGES_PER_UPLOAD = 100;
export const MAX_KEY_PACKAGES_PER_DEVICE = 200;
const KEY_PACKAGE_MAX_LENGTH = 8_192;
/** Longest commit or welcome (base64 characters): about 700 devices' leaves; both fit in the default BODY_LIMIT. */
const HANDSHAKE_MAX_LENGTH = 240_000;

/** Standard base64 of at most `max` characters. */
export function base64(max: number) {
  return z
    .string()
    .min(4)
    .max(max)
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, "must be base64");
}

export const DeviceSchema = z
  .object({
    id: z.number().int(),
    userId: z.number().int(),
    name: z.string(),
    /** Ed25519 public key (base64) the device signs its MLS messages with. */
    signaturePublicKey: z.string(),
    createdAt: TimestampSchema,
  })
  .meta({ id: "Device" });
export type Device = z.infer<typeof DeviceSchema>;

/** One of your own devices, with how many key packages others can still claim. */
export const OwnDeviceSchema = DeviceSchema.extend({
  keyPackages: z.number().int(),
  hasLastResort: z.boolean(),
}).meta({ id: "OwnDevice" });
export type OwnDevice = z.infer<typeof OwnDeviceSchema>;

export const ClaimedKeyPackageSchema = z
  .object({ userId: z.number().int(), deviceId: z.number().int(), keyPackage: z.string(), lastResort: z.boolean() })
  .meta({ id: "ClaimedKeyPackage" });
export type ClaimedKeyPackage = z.infer<typeof ClaimedKeyPackageSchema>;

/** Which conversation: its id and kind, the group's id or the other user of a direct conversation. */
const conversationRef = {
  conversationId: z.number().int(),
  kind: z.enum(["DIRECT", "GROUP"]),
  groupId: z.number().int().optional(),
  /** The other user of a direct conversation. */
  peerUserId: z.number().int().optional(),
};

export const E2eeConversationSchema = z
  .object({
    ...conversationRef,
    /** The conversation's MLS epoch: 0 until its group is created; each accepted commit adds one. */
    epoch: z.number().int(),
    /** Only encrypted messages are accepted (encrypted groups). */
    encrypted: z.boolean(),
    members: z.array(z.object({ userId: z.number().int(), role: GroupRoleSchema, devices: z.array(DeviceSchema) })),
  })
  .meta({ id: "E2eeConversation" });
export type E2eeConversation = z.infer<typeof E2eeConversationSchema>;

export const CommitSchema = z
  .object({
    /** The epoch the commit was made in; it moves the group to `epoch + 1`. */
    epoch: z.number().int(),
    deviceId: z.number().int().nullable(),
    commit: z.string(),
    createdAt: TimestampSchema,
  })
  .meta({ id: "Commit" });
export type Commit = z.infer<typeof CommitSchema>;

export const WelcomeSchema = z
  .object({
    id: z.number().int(),
    ...conversationRef,
    /** The epoch the welcome joins the group at. */
    epoch: z.number().int(),
    welcome: z.string(),
    /** Messages of the joined epoch and later have larger ids than this. */
    afterMessageId: z.number().int(),
  })
  .meta({ id: "Welcome" });
export type Welcome = z.infer<typeof WelcomeSchema>;

export const CommitInputSchema = z.object({
  conversationId: IdSchema,
  /** Your device that made the commit. */
  deviceId: IdSchema,
  /** The epoch the commit was made in: it must be the conversation's current epoch, or 409. */
  epoch: z.number().int().min(0).max(2_147_483_646),
  commit: base64(HANDSHAKE_MAX_LENGTH),
  /** The MLS Welcome for devices the commit adds, and which devices those are. */
  welcome: z.object({ data: base64(HANDSHAKE_MAX_LENGTH), deviceIds: z.array(IdSchema).min(1).max(500) }).optional(),
  /** Server-side membership changes of a group applied with the commit (admins only). */
  members: z.object({ add: z.array(IdSchema).max(50).default([]), remove: z.array(IdSchema).max(50).default([]) }).optional(),
});
export type CommitInput = z.input<typeof CommitInputSchema>;

export const CommitResultSchema = z.object({ epoch: z.number().int(), afterMessageId: z.number().int() }).meta({ id: "CommitResult" });

const deviceIdPath = { deviceId: IdSchema };

export const e2eeContract = {
  registerDevice: endpoint({
    method: "POST",
    path: "/e2ee/devices",
    input: z.object({ signaturePublicKey: base64(128), name: z.string().trim().max(64).optional() }),
    output: DeviceSchema,
    successStatus: 201,
    auth: true,
    summary: "Register a device of yours for end-to-end encryption",
    tags: ["e2ee"],
    errors: ["VALIDATION_ERROR", "CONFLICT"],
  }),
  devices: endpoint({
    method: "GET",
    path: "/e2ee/devices",
    input: z.object({ userId: IdSchema }),
    output: z.array(DeviceSchema),
    auth: true,
    summary: "A user's devices (yourself, friends, or members of a group you share)",
    tags: ["e2ee"],
    errors: ["FORBIDDEN", "NOT_FOUND"],
  }),
  device: endpoint({
    method: "GET",
    path: "/e2ee/devices/{deviceId}",
    input: z.object(deviceIdPath),
    output: OwnDeviceSchema,
    auth: true,
    summary: "One of your devices, with its key-package stock",
    tags: ["e2ee"],
    errors: ["NOT_FOUND"],
  }),
  removeDevice: endpoint({
    method: "DELETE",
    path: "/e2ee/devices/{deviceId}",
    input: z.object(deviceIdPath),
    output: z.void(),
    successStatus: 204,
    auth: true,
    summary: "Remove one of your devices with its key packages and pending welcomes",
    tags: ["e2ee"],
    errors: ["NOT_FOUND"],
  }),
  uploadKeyPackages: endpoint({
    method: "POST",
    path: "/e2ee/devices/{deviceId}/key-packages",
    input: z.object({
      ...deviceIdPath,
      keyPackages: z.array(base64(KEY_PACKAGE_MAX_LENGTH)).max(MAX_KEY_PACKAGES_PER_UPLOAD).default([]),
      /** Handed out when the one-time packages are gone; replaces the previous one. */
      lastResort: base64(KEY_PACKAGE_MAX_LENGTH).optional(),
    }),
    output: OwnDeviceSchema,
    auth: true,
    summary: "Upload MLS key packages of one of your devices",
    tags: ["e2ee"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND", "CONFLICT"],
  }),
  claimKeyPackages: endpoint({
    method: "POST",
    path: "/e2ee/key-packages/claim",
    input: z.object({ userId: IdSchema, deviceIds: z.array(IdSchema).max(MAX_DEVICES_PER_USER).optional() }),
    output: z.array(ClaimedKeyPackageSchema),
    auth: true,
    summary: "Claim one key package per device of a user you may add (a friend, or as admin of a shared group)",
    description: "Each one-time package is handed out once; a device with none left yields its last-resort package.",
    tags: ["e2ee"],
    errors: ["FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"],
  }),
  direct: endpoint({
    method: "POST",
    path: "/e2ee/direct/{userId}",
    input: z.object({ userId: IdSchema }),
    output: E2eeConversationSchema,
    auth: true,
    summary: "The direct conversation with a friend (created if needed), with both users' devices",
    tags: ["e2ee"],
    errors: ["BAD_REQUEST", "FORBIDDEN", "NOT_FOUND"],
  }),
  conversation: endpoint({
    method: "GET",
    path: "/e2ee/conversations/{conversationId}",
    input: z.object({ conversationId: IdSchema }),
    output: E2eeConversationSchema,
    auth: true,
    summary: "A conversation's MLS epoch and its members' devices (members only)",
    tags: ["e2ee"],
    errors: ["NOT_FOUND"],
  }),
  commit: endpoint({
    method: "POST",
    path: "/e2ee/conversations/{conversationId}/commits",
    input: CommitInputSchema,
    output: CommitResultSchema,
    successStatus: 201,
    auth: true,
    summary: "Publish the MLS commit for the current epoch (one per epoch; 409 if another came first)",
    tags: ["e2ee"],
    errors: ["VALIDATION_ERROR", "FORBIDDEN", "NOT_FOUND", "CONFLICT"],
  }),
  commits: endpoint({
    method: "GET",
    path: "/e2ee/conversations/{conversationId}/commits",
    input: z.object({
      conversationId: IdSchema,
      fromEpoch: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(100).default(100),
    }),
    output: z.array(CommitSchema),
    auth: true,
    summary: "Commits made in `fromEpoch` and later, oldest first (members only)",
    tags: ["e2ee"],
    errors: ["NOT_FOUND"],
  }),
  welcomes: endpoint({
    method: "GET",
    path: "/e2ee/devices/{deviceId}/welcomes",
    input: z.object(deviceIdPath),
    output: z.array(WelcomeSchema),
    auth: true,
    summary: "Pending MLS welcomes for one of your devices",
    tags: ["e2ee"],
    errors: ["NOT_FOUND"],
  }),
  deleteWelcome: endpoint({
    method: "DELETE",
    path: "/e2ee/welcomes/{id}",
    input: z.object({ id: IdSchema }),
    output: z.void(),
    successStatus: 204,
    auth: true,
    summary: "Drop a welcome once processed",
    tags: ["e2ee"],
    errors: ["NOT_FOUND"],
  }),
};
