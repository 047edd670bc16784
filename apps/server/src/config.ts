import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type LimitName, parseRateSpec, type RateSpec, rateLimitTable } from "./limits";
import { type AttachmentsConfig, parseAttachmentsConfig } from "./modules/attachments/attachments.config";

const serverDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every environment variable the server reads, with its default. `.env.example` mirrors this. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Absolute base URL clients use to reach the server (for avatar links); derived from each request when unset. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default(resolve(serverDir, "data")),
  UPLOAD_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.string().optional(),
  /** Embedded SQLite: fsync every commit (full), or only at checkpoints (normal: a power loss may lose the last moments). */
  SQLITE_SYNCHRONOUS: z.enum(["normal", "full"]).default("full"),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** How long a refresh token may wait to be exchanged; each exchange gives a new one. */
  REFRESH_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
  JWT_EXPIRES_IN: z
    .string()
    .regex(/^\d+[smhd]$/, "must be a number followed by s, m, h or d, e.g. 7d")
    .default("7d"),
  /** Comma-separated origins allowed by CORS, or * for any. */
  CORS_ORIGINS: z.string().default("*"),
  /** Express "trust proxy": set when behind a load balancer so rate limits see client IPs. */
  TRUST_PROXY: z.string().default("false"),
  AUTH_RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
  AUTH_RATE_LIMIT_PER_IP: positiveInt(30),
  AUTH_RATE_LIMIT_PER_USERNAME: positiveInt(10),
  /** Key-package claims per user and minute (each claim uses up other people's one-time key packages). */
  KEY_PACKAGE_CLAIMS_PER_MINUTE: positiveInt(60),
  /** Sockets one user may hold open at once, across every process. */
  MAX_SOCKETS_PER_USER: positiveInt(20),
  BODY_LIMIT: z.string().default("512kb"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Firebase service account for push notifications: the JSON itself, or the path of its file. */
  FIREBASE_SERVICE_ACCOUNT: z.string().optional(),
  /** Google's standard variable: path of a credentials file (used when FIREBASE_SERVICE_ACCOUNT is unset). */
  GOOGLE_APPLICATION_CREDENTIALS: z.string().optional(),
  /** Redis for running several processes: Socket.IO fan-out, presence and rate limits. Unset: all in-process. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.-]{1,64}$/, "letters, digits, _ . - only")
    .default("hestia"),
  /** How long a process's sockets count as online without a heartbeat (a process that died stops counting after it). */
  PRESENCE_TTL_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
  /** How long a typing indicator lasts unless renewed (at most 10 s). */
  TYPING_TIMEOUT_MS: z.coerce.number().int().min(100).max(10_000).default(6_000),
  /** Prometheus metrics at /metrics. Unset: on, except in production. */
  METRICS_ENABLED: z.enum(["true", "false"]).optional(),
  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
});

/** The fields of a Google service-account key file that Firebase needs. */
export interface ServiceAccount {
  project_id: string;
  client_email: string;
  private_key: string;
}

/** Where push notifications get their Firebase credentials; undefined when push is off. */
export type PushConfig = { serviceAccount: ServiceAccount } | { applicationDefault: true } | undefined;

export interface Config {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  publicUrl: string | undefined;
  dataDir: string;
  uploadDir: string;
  databaseUrl: string | undefined;
  sqliteSynchronous: "normal" | "full";
  jwt: { secret: string; expiresIn: string; generated: boolean };
  refreshTokenTtlSeconds: number;
  corsOrigins: "*" | string[];
  trustProxy: boolean | number | string;
  authRateLimit: { windowSeconds: number; perIp: number; perUsername: number };
  keyPackageClaimsPerMinute: number;
  /** The per-user limits of `rateLimitTable` (RATE_LIMIT_* variables). */
  rateLimits: Record<LimitName, RateSpec>;
  maxSocketsPerUser: number;
  bodyLimit: string;
  logLevel: string;
  push: PushConfig;
  redisUrl: string | undefined;
  redisPrefix: string;
  presenceTtlSeconds: number;
  typingTimeoutMs: number;
  /** Prometheus metrics at /metrics (METRICS_ENABLED), protected by METRICS_TOKEN when set. */
  metrics: { enabled: boolean; token: string | undefined };
  /** Attachments: storage backend, limits, sweep (attachments.config.ts). */
  attachments: AttachmentsConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value means "unset", as in .env.example, where a variable is listed with nothing after "=".
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const parsed = EnvSchema.safeParse(set);
  const { rateLimits, problems: rateProblems } = parseRateLimits(set);
  const attachments = parseAttachmentsConfig(set);
  const problems = [...rateProblems, ...attachments.problems];
  if (!parsed.success || problems.length || !attachments.config) {
    throw new ConfigError([...(parsed.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) ?? []), ...problems]);
  }
  const vars = parsed.data;
  if (vars.NODE_ENV === "production" && !vars.JWT_SECRET) {
    throw new ConfigError(["JWT_SECRET: required in production (at least 32 random characters)"]);
  }
  const dataDir = resolve(vars.DATA_DIR);
  return {
    env: vars.NODE_ENV,
    host: vars.HOST,
    port: vars.PORT,
    publicUrl: vars.PUBLIC_URL?.replace(/\/+$/, ""),
    dataDir,
    uploadDir: resolve(vars.UPLOAD_DIR ?? resolve(dataDir, "uploads")),
    databaseUrl: vars.DATABASE_URL?.trim() || undefined,
    sqliteSynchronous: vars.SQLITE_SYNCHRONOUS,
    jwt: {
      secret: vars.JWT_SECRET ?? randomBytes(48).toString("base64url"),
      expiresIn: vars.JWT_EXPIRES_IN,
      generated: !vars.JWT_SECRET,
    },
    refreshTokenTtlSeconds: vars.REFRESH_TOKEN_TTL_SECONDS,
    corsOrigins:
      vars.CORS_ORIGINS.trim() === "*"
        ? "*"
        : vars.CORS_ORIGINS.split(",")
            .map((o) => o.trim())
            .filter(Boolean),
    trustProxy: parseTrustProxy(vars.TRUST_PROXY),
    authRateLimit: {
      windowSeconds: vars.AUTH_RATE_LIMIT_WINDOW_SECONDS,
      perIp: vars.AUTH_RATE_LIMIT_PER_IP,
      perUsername: vars.AUTH_RATE_LIMIT_PER_USERNAME,
    },
    keyPackageClaimsPerMinute: vars.KEY_PACKAGE_CLAIMS_PER_MINUTE,
    rateLimits,
    maxSocketsPerUser: vars.MAX_SOCKETS_PER_USER,
    bodyLimit: vars.BODY_LIMIT,
    logLevel: vars.LOG_LEVEL,
    push: parsePushConfig(vars.FIREBASE_SERVICE_ACCOUNT, vars.GOOGLE_APPLICATION_CREDENTIALS),
    redisUrl: vars.REDIS_URL,
    redisPrefix: vars.REDIS_PREFIX,
    presenceTtlSeconds: vars.PRESENCE_TTL_SECONDS,
    typingTimeoutMs: vars.TYPING_TIMEOUT_MS,
    metrics: {
      enabled: vars.METRICS_ENABLED === undefined ? vars.NODE_ENV !== "production" : vars.METRICS_ENABLED === "true",
      token: vars.METRICS_TOKEN,
    },
    attachments: attachments.config,
  };
}

/** Every RATE_LIMIT_* variable of the limits table (its default when unset), and what is wrong with any. */
function parseRateLimits(set: Record<string, string | undefined>): { rateLimits: Record<LimitName, RateSpec>; problems: string[] } {
  const problems: string[] = [];
  const entries = Object.entries(rateLimitTable).map(([name, row]) => {
    const spec = parseRateSpec(set[row.env] ?? row.default);
    if (typeof spec === "string") problems.push(`${row.env}: ${spec}`);
    return [name, spec];
  });
  return { rateLimits: Object.fromEntries(entries) as Record<LimitName, RateSpec>, problems };
}

function parsePushConfig(serviceAccount: string | undefined, applicationCredentials: string | undefined): PushConfig {
  const value = serviceAccount?.trim();
  if (!value) return applicationCredentials?.trim() ? { applicationDefault: true } : undefined;
  let text = value;
  if (!value.startsWith("{")) {
    try {
      text = readFileSync(value, "utf8");
    } catch (error) {
      throw new ConfigError([`FIREBASE_SERVICE_ACCOUNT: cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
    }
  }
  let json: Partial<ServiceAccount>;
  try {
    json = JSON.parse(text) as Partial<ServiceAccount>;
  } catch {
    throw new ConfigError(["FIREBASE_SERVICE_ACCOUNT: not valid JSON (give the key file's contents or its path)"]);
  }
  const missing = (["project_id", "client_email", "private_key"] as const).filter((key) => typeof json[key] !== "string" || !json[key]);
  if (missing.length) throw new ConfigError([`FIREBASE_SERVICE_ACCOUNT: missing ${missing.join(", ")}`]);
  return { serviceAccount: json as ServiceAccount };
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === "true") return true;
  if (value === "false" || value === "") return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
