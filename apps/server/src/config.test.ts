import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

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
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      for (const name of ["PORT", "JWT_SECRET", "NODE_ENV", "AUTH_RATE_LIMIT_PER_IP", "KEY_PACKAGE_CLAIMS_PER_MINUTE"])
        expect(problems).toContain(name);
    }
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
});
