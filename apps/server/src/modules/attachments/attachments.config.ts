import { resolve } from "node:path";
import { z } from "zod";
import type { S3StoreConfig } from "./storage/s3-store";

const MiB = 1024 * 1024;

/** The environment variables of attachments and their storage, with their defaults. `.env.example` lists them. */
const AttachmentsEnvSchema = z.object({
  /** Where attachment bytes live: a local directory (default) or an S3-compatible bucket. */
  STORAGE_DRIVER: z.enum(["local", "s3"]).default("local"),
  /** The local directory (default: `<UPLOAD_DIR>/attachments`, under the data directory). */
  STORAGE_DIR: z.string().min(1).optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).default("false"),
  /** Prepended to every object key (e.g. `hestia/`), so one bucket can serve several deployments. */
  S3_PREFIX: z
    .string()
    .regex(/^[\w./-]{0,100}$/, "letters, digits, _ . / - only")
    .default(""),
  /** Largest file, in bytes (default 25 MiB); bigger uploads are 413. */
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * MiB),
  /** Bytes of attachments one user may hold, pending and sent (default 1 GiB); past it uploads are 413. */
  ATTACHMENT_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * MiB),
  /** How long an upload that no message sent is kept (default 24 h). */
  ATTACHMENT_PENDING_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 3600),
  /** How often the sweep deletes expired uploads and files nothing refers to (default hourly). */
  ATTACHMENT_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().positive().default(3600),
  /** Lifetime of signed download URLs, at most an hour (default 15 min). */
  ATTACHMENT_SIGNED_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(900),
});

export interface AttachmentsConfig {
  storage: { driver: "local"; dir: string | undefined } | { driver: "s3"; s3: S3StoreConfig };
  maxBytes: number;
  quotaBytes: number;
  pendingTtlSeconds: number;
  sweepIntervalSeconds: number;
  signedUrlTtlSeconds: number;
}

/** Reads the attachment variables from the (already trimmed) environment; answers the config or what is wrong. */
export function parseAttachmentsConfig(env: Record<string, string | undefined>): { config?: AttachmentsConfig; problems: string[] } {
  const parsed = AttachmentsEnvSchema.safeParse(env);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) };
  const vars = parsed.data;
  if (vars.STORAGE_DRIVER === "s3" && !vars.S3_BUCKET) return { problems: ["S3_BUCKET: required when STORAGE_DRIVER=s3"] };
  const storage: AttachmentsConfig["storage"] =
    vars.STORAGE_DRIVER === "s3"
      ? {
          driver: "s3",
          s3: {
            endpoint: vars.S3_ENDPOINT,
            bucket: vars.S3_BUCKET as string,
            region: vars.S3_REGION,
            accessKeyId: vars.S3_ACCESS_KEY_ID,
            secretAccessKey: vars.S3_SECRET_ACCESS_KEY,
            forcePathStyle: vars.S3_FORCE_PATH_STYLE === "true",
            prefix: vars.S3_PREFIX,
          },
        }
      : { driver: "local", dir: vars.STORAGE_DIR && resolve(vars.STORAGE_DIR) };
  return {
    config: {
      storage,
      maxBytes: vars.ATTACHMENT_MAX_BYTES,
      quotaBytes: vars.ATTACHMENT_QUOTA_BYTES,
      pendingTtlSeconds: vars.ATTACHMENT_PENDING_TTL_SECONDS,
      sweepIntervalSeconds: vars.ATTACHMENT_SWEEP_INTERVAL_SECONDS,
      signedUrlTtlSeconds: vars.ATTACHMENT_SIGNED_URL_TTL_SECONDS,
    },
    problems: [],
  };
}
