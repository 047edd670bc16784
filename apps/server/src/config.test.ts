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
  });

  it("generates a different secret each start when none is set", () => {
    expect(loadConfig({}).jwt.secret).not.toBe(loadConfig({}).jwt.secret);
  });

  it("refuses to start in production without JWT_SECRET", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET: required in production/);
  });

  it("names every bad variable at once", () => {
    try {
      loadConfig({ PORT: "eighty", JWT_SECRET: "short", NODE_ENV: "staging", AUTH_RATE_LIMIT_PER_IP: "0" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      for (const name of ["PORT", "JWT_SECRET", "NODE_ENV", "AUTH_RATE_LIMIT_PER_IP"]) expect(problems).toContain(name);
    }
  });

  it("parses CORS origins and trust proxy", () => {
    const config = loadConfig({ CORS_ORIGINS: "https://a.example, https://b.example", TRUST_PROXY: "1" });
    expect(config.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.trustProxy).toBe(1);
  });
});
