import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";
import { rateLimitTable } from "./limits";

describe("loadConfig", () => {
  it("has working defaults for development", () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.env).toBe("development");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.jwt.generated).toBe(true);
    expect(config.jwt.secret.length).toBeGreaterThanOrEqual(32);
    expect(config.corsOrigins).toBe("*");
    expect(config.uploadDir).toBe(`${config.dataDir}/uploads`);
    expect(config.keyPackageClaimsPerMinute).toBe(60);
  });

  it("generates a different secret each start when none is set", () => {
    expect(loadConfig({}).jwt.secret).not.toBe(loadConfig({}).jwt.secret);
  });

  it("refuses to start in production without JWT_SECRET", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET: required in production/);
  });

  it("names every bad variable at once", () => {
    try {
      loadConfig({
        PORT: "eighty",
        JWT_SECRET: "short",
        NODE_ENV: "staging",
        AUTH_RATE_LIMIT_PER_IP: "0",
        KEY_PACKAGE_CLAIMS_PER_MINUTE: "-1",
        RATE_LIMIT_SENDS: "ten a second",
        MAX_SOCKETS_PER_USER: "0",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      for (const name of [
        "PORT",
        "JWT_SECRET",
        "NODE_ENV",
        "AUTH_RATE_LIMIT_PER_IP",
        "KEY_PACKAGE_CLAIMS_PER_MINUTE",
        "RATE_LIMIT_SENDS",
        "MAX_SOCKETS_PER_USER",
      ])
        expect(problems).toContain(name);
    }
  });

  it("reads every limit of the table from its variable, and its default when unset", () => {
    const config = loadConfig({ RATE_LIMIT_SENDS: "100/1s burst 900/1m", MAX_SOCKETS_PER_USER: "3" });
    expect(config.rateLimits.sends).toEqual({ points: 100, seconds: 1, burst: { points: 900, seconds: 60 } });
    expect(config.rateLimits.lookups).toEqual(loadConfig({}).rateLimits.lookups);
    expect(config.maxSocketsPerUser).toBe(3);
    expect(loadConfig({}).maxSocketsPerUser).toBe(20);
  });

  it("parses CORS origins and trust proxy", () => {
    const config = loadConfig({ CORS_ORIGINS: "https://a.example, https://b.example", TRUST_PROXY: "1" });
    expect(config.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.trustProxy).toBe(1);
  });

  it("reads the Firebase service account from JSON or from a file, and says what is wrong with it", () => {
    const account = { project_id: "p1", client_email: "push@p1.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----" };
    expect(loadConfig({}).push).toBeUndefined();
    expect(loadConfig({ FIREBASE_SERVICE_ACCOUNT: JSON.stringify(account) }).push).toEqual({ serviceAccount: account });
    const dir = mkdtempSync(join(tmpdir(), "hestia-config-"));
    try {
      const file = join(dir, "service-account.json");
      writeFileSync(file, JSON.stringify(account));
      expect(loadConfig({ FIREBASE_SERVICE_ACCOUNT: file }).push).toEqual({ serviceAccount: account });
      expect(() => loadConfig({ FIREBASE_SERVICE_ACCOUNT: join(dir, "missing.json") })).toThrow(
        /FIREBASE_SERVICE_ACCOUNT: cannot read .*ENOENT/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => loadConfig({ FIREBASE_SERVICE_ACCOUNT: "{not json" })).toThrow(ConfigError);
    expect(() => loadConfig({ FIREBASE_SERVICE_ACCOUNT: JSON.stringify({ project_id: "p1" }) })).toThrow(
      "FIREBASE_SERVICE_ACCOUNT: missing client_email, private_key",
    );
    expect(loadConfig({ GOOGLE_APPLICATION_CREDENTIALS: "/etc/google/key.json" }).push).toEqual({ applicationDefault: true });
  });

  /** The problems loadConfig reports for this environment (none: it loaded). */
  function problems(env: Record<string, string>): string[] {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  }

  it.each([
    ["PORT", "65536"],
    ["PORT", "-1"],
    ["PORT", "4000.5"],
    ["PORT", "http"],
    ["PUBLIC_URL", "ftp://chat.example"],
    ["PUBLIC_URL", "chat.example"],
    ["JWT_EXPIRES_IN", "7"],
    ["JWT_EXPIRES_IN", "1w"],
    ["JWT_EXPIRES_IN", "7 d"],
    ["AUTH_RATE_LIMIT_WINDOW_SECONDS", "0"],
    ["AUTH_RATE_LIMIT_PER_USERNAME", "ten"],
    ["LOG_LEVEL", "verbose"],
    ["REDIS_URL", "http://127.0.0.1:6379"],
    ["REDIS_PREFIX", "has space"],
    ["REDIS_PREFIX", "x".repeat(65)],
    ["PRESENCE_TTL_SECONDS", "1"],
    ["PRESENCE_TTL_SECONDS", "3601"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${name}: `));
  });

  it("accepts the edges of the allowed ranges", () => {
    const config = loadConfig({ PORT: "0", PRESENCE_TTL_SECONDS: "2", REDIS_PREFIX: "a".repeat(64), JWT_EXPIRES_IN: "90m" });
    expect(config).toMatchObject({ port: 0, presenceTtlSeconds: 2, redisPrefix: "a".repeat(64), jwt: { expiresIn: "90m" } });
    expect(loadConfig({ PORT: "65535", PRESENCE_TTL_SECONDS: "3600" })).toMatchObject({ port: 65535, presenceTtlSeconds: 3600 });
  });

  it("starts in production with a JWT_SECRET of 32 characters, not with 31", () => {
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: "s".repeat(32) }).jwt).toEqual({
      secret: "s".repeat(32),
      expiresIn: "7d",
      generated: false,
    });
    expect(problems({ NODE_ENV: "production", JWT_SECRET: "s".repeat(31) })).toEqual(["JWT_SECRET: must be at least 32 characters"]);
  });

  it("normalises what it can read unambiguously", () => {
    const config = loadConfig({
      PUBLIC_URL: "https://chat.example/app//",
      DATABASE_URL: "   ",
      CORS_ORIGINS: " https://a.example,, https://b.example ,",
      DATA_DIR: "relative/data",
    });
    expect(config.publicUrl).toBe("https://chat.example/app");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.dataDir).toBe(resolve("relative/data"));
    expect(config.uploadDir).toBe(resolve("relative/data/uploads"));
    expect(loadConfig({ CORS_ORIGINS: " * " }).corsOrigins).toBe("*");
  });

  it.each([
    ["false", false],
    ["", false],
    ["true", true],
    ["2", 2],
    ["loopback, 10.0.0.0/8", "loopback, 10.0.0.0/8"],
  ])("reads TRUST_PROXY=%j as %j", (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  // .env.example leaves PUBLIC_URL, DATA_DIR, UPLOAD_DIR, JWT_SECRET and REDIS_URL empty: empty means unset.
  it("starts with .env.example copied unchanged", () => {
    const example = parseEnv(readFileSync(join(import.meta.dirname, "../../../.env.example"), "utf8"));
    const config = loadConfig(example);
    expect(config.port).toBe(4000);
    expect(config.publicUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    // Every limit is listed there, with its default.
    for (const row of Object.values(rateLimitTable)) expect(example[row.env], row.env).toBe(row.default);
    expect(config.rateLimits).toEqual(loadConfig({}).rateLimits);
    expect(example.MAX_SOCKETS_PER_USER).toBe("20");
  });
});
