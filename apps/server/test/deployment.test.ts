import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../src/config";

// The container files are checked for shape here, everywhere; `node scripts/docker-build-check.mjs` runs
// the Dockerfile's build steps and the built server itself (CI runs it).
const root = join(import.meta.dirname, "../../..");
const read = (file: string) => readFileSync(join(root, file), "utf8");

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

/** `${NAME:-default}` and `${NAME:?message}` as compose resolves them with NAME unset (`?`: a stand-in value). */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_match, _name, fallback?: string) => fallback ?? "x".repeat(48));
}

describe("compose.yaml", () => {
  const compose = parse(read("compose.yaml")) as { services: Record<string, Service> };
  const services = compose.services;

  it("runs two server processes behind a load balancer, with MariaDB, Redis and S3 storage, each with a health check", () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["server-1", "server-2", "lb", "mariadb", "redis", "minio"]));
    for (const name of ["server-1", "server-2", "lb", "mariadb", "redis", "minio"]) {
      expect(services[name]?.healthcheck?.test.length, name).toBeGreaterThan(0);
    }
    const published = "$" + "{HESTIA_PORT:-4000}:80";
    expect(services.lb?.ports).toEqual([published]);
    for (const name of ["server-1", "server-2"]) {
      const server = services[name]!;
      expect(server.build).toBe(".");
      expect(server.healthcheck?.test.join(" ")).toContain("/health/ready");
      expect(server.depends_on).toMatchObject({ mariadb: { condition: "service_healthy" }, redis: { condition: "service_healthy" } });
    }
  });

  it("gives the servers a configuration the server accepts: MariaDB, Redis, production, metrics", () => {
    const environment = Object.fromEntries(
      Object.entries(services["server-1"]!.environment!).map(([key, value]) => [key, interpolate(value)]),
    );
    const config = loadConfig(environment);
    expect(config).toMatchObject({ env: "production", redisUrl: "redis://redis:6379", metrics: { enabled: true } });
    expect(config.databaseUrl).toMatch(/^mysql:\/\/hestia:.+@mariadb:3306\/hestia$/);
    expect(services["server-1"]!.environment!.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/);
  });

  it("balances onto both servers with WebSocket upgrades and sticky sessions (nginx)", () => {
    const mount = services.lb?.volumes?.find((volume) => volume.endsWith(":/etc/nginx/nginx.conf:ro"));
    expect(mount).toBeDefined();
    const nginx = read(mount!.split(":")[0]!.replace(/^\.\//, ""));
    expect(nginx).toContain("server server-1:4000");
    expect(nginx).toContain("server server-2:4000");
    expect(nginx).toMatch(/^\s*ip_hash;/m);
    expect(nginx).toContain("proxy_set_header Upgrade $http_upgrade;");
    expect(nginx).toContain("proxy_set_header Connection $connection_upgrade;");
    expect(nginx).toContain("proxy_http_version 1.1;");
    expect(nginx).toContain("proxy_set_header X-Request-Id");
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it("builds in one stage with the same script the build check runs, and runs from a second", () => {
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/^\S+ AS build\n/);
    expect(stages[0]).toContain("RUN sh scripts/docker/build.sh /app");
    expect(stages[1]).toContain("COPY --from=build /app ./");
  });

  it("runs the compiled server as a non-root user, with a health check on /health/ready", () => {
    const runtime = stages[1]!;
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n.*\/health\/ready/m);
    expect(runtime).toContain('CMD ["node", "--conditions=hestia-built", "dist/main.js"]');
    expect(runtime).toContain("NODE_ENV=production");
  });
});
