import { afterAll, beforeAll } from "vitest";
import type { TestServer } from "./helpers";
import { createDeployment, type Deployment, type ServerProcess, startServerProcess } from "./process";
import { redisNamespace } from "./redis";

export type Cluster = {
  deployment: Deployment;
  namespace: ReturnType<typeof redisNamespace>;
  first: ServerProcess;
  second: ServerProcess;
};

/** A process seen as a server the REST and socket helpers can talk to. */
export const on = (process: ServerProcess) => ({ url: process.url }) as TestServer;

/**
 * For a test file about several processes: two server processes sharing one database and one Redis
 * (under a key prefix of their own, with `env` added), started before the file's tests and killed after
 * them, the database and the Redis keys dropped. Read the fields inside the tests (they are set once the
 * file's setup ran). Call it inside a `describe.skipIf(!redisUrl)` so files without Redis skip it.
 */
export function twoProcessesWithRedis(redisUrl: string | undefined, env: Record<string, string> = {}): Cluster {
  const cluster = { namespace: redisNamespace(redisUrl ?? "redis://unused") } as Cluster;
  beforeAll(async () => {
    cluster.deployment = createDeployment({ REDIS_URL: redisUrl ?? "", REDIS_PREFIX: cluster.namespace.prefix, ...env });
    [cluster.first, cluster.second] = await Promise.all([startServerProcess(cluster.deployment), startServerProcess(cluster.deployment)]);
  });
  afterAll(async () => {
    await Promise.all([cluster.first?.kill("SIGKILL"), cluster.second?.kill("SIGKILL")]);
    await cluster.deployment?.drop();
    await cluster.namespace.drop();
  });
  return cluster;
}
