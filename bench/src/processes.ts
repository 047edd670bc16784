// The processes a run measures: the bare Socket.IO relay and the real server, each in its own process.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { createDeployment, startServerProcess } from "@hestia/server/testing";
import { type InboxSeed, seedInboxes } from "./inbox";
import { seedReactionTargets, seedSearch } from "./lifecycle";
import { at } from "./load";
import { log } from "./report";
import { seed } from "./seed";
import { type Settings, wanted } from "./settings";

export const benchDir = resolve(import.meta.dirname, "..");

/** The bare Socket.IO relay, in its own process. */
export async function startRelay(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(benchDir, "src/relay-server.ts")], {
    cwd: benchDir,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      const match = /relay listening on (\d+)/.exec(chunk.toString());
      if (match) resolvePort(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`relay exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/**
 * Each benchmark user sends far more than a person may (tens of messages a second), so the run raises
 * the per-user limits through configuration, as any load test of a rate-limited service must. The limits
 * are still checked on every send: their cost is part of what is measured.
 */
const raisedLimits = {
  RATE_LIMIT_SENDS: "1000000/1s",
  RATE_LIMIT_FRIEND_REQUESTS: "1000000/1s",
  RATE_LIMIT_LOOKUPS: "1000000/1s",
  RATE_LIMIT_REACTIONS: "1000000/1s",
  RATE_LIMIT_MESSAGE_SEARCH: "1000000/1s",
};

/**
 * The real server (NODE_ENV=production) in its own process, on a fresh database seeded for `size`;
 * `lifecycle`: also the search history and the messages to react to, when those scenarios run.
 */
export async function startApp(
  flavour: "sqlite" | "mariadb",
  size: Pick<Settings, "idle" | "pairs" | "groups" | "inbox" | "search">,
  lifecycle = false,
) {
  const secret = randomBytes(32).toString("hex");
  log(
    `per-user limits raised for the load (still checked on every send): ${Object.entries(raisedLimits)
      .map(([name, value]) => `${name}=${value}`)
      .join(" ")}`,
  );
  const deployment = createDeployment({ NODE_ENV: "production", JWT_SECRET: secret, LOG_LEVEL: "info", ...raisedLimits }, flavour);
  const dataDir = deployment.env.DATA_DIR;
  if (!dataDir) throw new Error("the deployment has no DATA_DIR");
  const seeded = await seed(deployment.database.url, dataDir, secret, {
    users: Math.max(size.idle, size.pairs * 2, size.groups * 10),
    pairs: size.pairs,
    groups: size.groups,
  });
  // Two inbox users, the last two: the same number of conversations, one with ten times the history of the other.
  const inboxes: InboxSeed[] = [
    { user: at(seeded.users, seeded.users.length - 2), ...size.inbox },
    { user: at(seeded.users, seeded.users.length - 1), ...size.inbox, messages: size.inbox.messages * 10 },
  ];
  if (wanted("inbox_rest")) {
    log(
      `seeding two inboxes of ${size.inbox.conversations} conversations, with ${size.inbox.messages} and ${size.inbox.messages * 10} messages each`,
    );
    await seedInboxes(deployment.database.url, dataDir, seeded.users.slice(0, -2), inboxes);
  }
  // The searcher is the third user from the end; its peers are users the inboxes do not include.
  const searcher = at(seeded.users, seeded.users.length - 3);
  let search = { searcher, messages: 0, matching: 0 };
  if (lifecycle && wanted("search_rest")) {
    const { conversations, messages } = size.search;
    log(`seeding ${conversations * messages} messages in ${conversations} conversations of the searcher`);
    const started = Date.now();
    search = { searcher, ...(await seedSearch(deployment.database.url, dataDir, seeded.users.slice(0, -3), searcher, size.search)) };
    log(`seeded ${search.messages} messages (${search.matching} hold the word) in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const reactionTargets =
    lifecycle && wanted("reaction_throughput")
      ? await seedReactionTargets(deployment.database.url, dataDir, seeded.groups)
      : new Map<number, number[]>();
  // BENCH_CPU_PROFILE_DIR=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROFILE_DIR;
  const server = await startServerProcess(deployment, 0, {}, profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : []);
  return {
    server,
    seeded,
    inboxes,
    search,
    reactionTargets,
    async stop() {
      await server.kill("SIGTERM");
      await deployment.drop();
    },
  };
}
