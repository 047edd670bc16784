// npm run bench [-- --quick]: the real server and bare baselines, measured in the same run on this
// machine, driven from this process; prints a table and writes bench/results.json.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { createDeployment, type ServerProcess, startServerProcess } from "@hestia/server/testing";
import type { Socket } from "socket.io-client";
import { dmWithReceipts, type InboxSeed, seedInboxes } from "./inbox";
import { type Auth, at, closeAll, closedLoop, connectAll, emitAck, httpLoad, median, openLoopLatency, rssKb, type Timing } from "./load";
import { rawInsertRate, storeAppendRate } from "./persist";
import { type Seeded, seed } from "./seed";

const quick = process.argv.includes("--quick");
const only = process.argv
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const settings = quick
  ? {
      timing: { warmupMs: 500, measureMs: 1500 },
      repeats: 1,
      pairs: 50,
      groups: 5,
      idle: 500,
      idleHoldMs: 2_000,
      httpConcurrency: 8,
      inbox: { conversations: 100, messages: 10 },
    }
  : {
      timing: { warmupMs: 2_000, measureMs: 6_000 },
      repeats: 3,
      pairs: 500,
      groups: 50,
      idle: 10_000,
      idleHoldMs: 60_000,
      httpConcurrency: 32,
      inbox: { conversations: 500, messages: 20 },
    };
const WINDOW = 4;
const benchDir = resolve(import.meta.dirname, "..");

interface Result {
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  target: string;
  met: boolean | null;
  detail?: Record<string, number>;
}
const results: Record<string, Result> = {};
const wanted = (scenario: string) => !only || only.includes(scenario);

function log(message: string) {
  console.log(`[bench] ${message}`);
}

/** Runs `measure` `settings.repeats` times and keeps the median. */
async function repeated(measure: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < settings.repeats; i++) values.push(await measure());
  return median(values);
}

/** The bare Socket.IO relay, in its own process. */
async function startRelay(): Promise<{ url: string; child: ChildProcess }> {
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

/** The real server (NODE_ENV=production) in its own process, on a fresh seeded database. */
async function startApp(flavour: "sqlite" | "mariadb") {
  const secret = randomBytes(32).toString("hex");
  const deployment = createDeployment({ NODE_ENV: "production", JWT_SECRET: secret, LOG_LEVEL: "info" }, flavour);
  const dataDir = deployment.env.DATA_DIR;
  if (!dataDir) throw new Error("the deployment has no DATA_DIR");
  const seeded = await seed(deployment.database.url, dataDir, secret, {
    users: Math.max(settings.idle, settings.pairs * 2, settings.groups * 10),
    pairs: settings.pairs,
    groups: settings.groups,
  });
  // Two inbox users, the last two: the same number of conversations, one with ten times the history of the other.
  const inboxes: InboxSeed[] = [
    { user: at(seeded.users, seeded.users.length - 2), ...settings.inbox },
    { user: at(seeded.users, seeded.users.length - 1), ...settings.inbox, messages: settings.inbox.messages * 10 },
  ];
  if (wanted("inbox_rest")) {
    log(
      `seeding two inboxes of ${settings.inbox.conversations} conversations, with ${settings.inbox.messages} and ${settings.inbox.messages * 10} messages each`,
    );
    await seedInboxes(deployment.database.url, dataDir, seeded.users.slice(0, -2), inboxes);
  }
  // BENCH_CPU_PROFILE_DIR=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROFILE_DIR;
  const server = await startServerProcess(deployment, 0, {}, profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : []);
  return {
    server,
    seeded,
    inboxes,
    async stop() {
      await server.kill("SIGTERM");
      await deployment.drop();
    },
  };
}

type Side = { url: string; auth: (user: { id: number; token: string }) => Auth };

/** Delivered DMs/s (counted at the recipients) and acknowledged sends/s, for `pairs` sender→receiver pairs. */
async function dmThroughput(side: Side, seeded: Seeded, timing: Timing) {
  const { sockets } = await connectAll(
    side.url,
    seeded.pairs.flatMap(([a, b]) => [side.auth(a), side.auth(b)]),
  );
  try {
    const senders = seeded.pairs.map(([, receiver], i) => ({
      socket: at(sockets, 2 * i),
      send: (): [string, unknown] => ["sendDM", { toId: receiver.id, content: "benchmark message" }],
    }));
    const receivers = seeded.pairs.map(([sender], i) => ({
      socket: at(sockets, 2 * i + 1),
      event: "newDM",
      count: (message: { userId: number }) => (message.userId === sender.id ? 1 : 0),
    }));
    return await closedLoop({ senders, receivers, window: WINDOW, timing });
  } finally {
    closeAll(sockets);
  }
}

/** Delivered group messages/s (each delivery to each other member counts), every member sending. */
async function groupThroughput(side: Side, seeded: Seeded, timing: Timing) {
  const members = seeded.groups.flatMap((group) => group.members.map((member) => ({ member, groupId: group.id })));
  const { sockets } = await connectAll(
    side.url,
    members.map(({ member }) => side.auth(member)),
  );
  try {
    await Promise.all(members.map(({ groupId }, i) => emitAck(at(sockets, i), "joinGroup", { groupId })));
    const senders = members.map(({ groupId }, i) => ({
      socket: at(sockets, i),
      send: (): [string, unknown] => ["sendGroupMessage", { groupId, content: "benchmark group message" }],
    }));
    const receivers = members.map(({ member }, i) => ({
      socket: at(sockets, i),
      event: "newGroupMessage",
      count: (message: { userId: number }) => (message.userId === member.id ? 0 : 1),
    }));
    return await closedLoop({ senders, receivers, window: 1, timing });
  } finally {
    closeAll(sockets);
  }
}

/** p99/p50 send→receive latency of DMs at a fixed offered rate. */
async function dmLatency(side: Side, seeded: Seeded, ratePerSecond: number, timing: Timing) {
  const { sockets } = await connectAll(
    side.url,
    seeded.pairs.flatMap(([a, b]) => [side.auth(a), side.auth(b)]),
  );
  try {
    const senders = seeded.pairs.map(([, receiver], i) => ({
      socket: at(sockets, 2 * i),
      send: (stamp: string): [string, unknown] => ["sendDM", { toId: receiver.id, content: stamp }],
    }));
    const receivers = seeded.pairs.map(([sender], i) => ({
      socket: at(sockets, 2 * i + 1),
      event: "newDM",
      stamp: (message: { userId: number; content: string }) => (message.userId === sender.id ? message.content : undefined),
    }));
    return await openLoopLatency({ senders, receivers, ratePerSecond, timing });
  } finally {
    closeAll(sockets);
  }
}

/** Sockets/s the load generator opens against the bare relay (no auth, nothing stored). */
async function relayConnectRate(url: string, users: { id: number }[]): Promise<number> {
  const { sockets, ms } = await connectAll(
    url,
    users.map((user) => ({ userId: user.id })),
  );
  closeAll(sockets);
  return users.length / (ms / 1000);
}

/** 10,000 (quick: 500) authenticated sockets held open: drops, server memory per socket, connects/s. */
async function idleConnections(server: ServerProcess, seeded: Seeded) {
  const pid = server.child.pid;
  if (pid === undefined) throw new Error("the server process has no pid");
  const before = await rssKb(pid);
  const users = seeded.users.slice(0, settings.idle);
  const { sockets, ms } = await connectAll(
    server.url,
    users.map((user) => ({ token: user.token })),
  );
  let drops = 0;
  for (const socket of sockets) socket.on("disconnect", () => drops++);
  await new Promise((resolve) => setTimeout(resolve, settings.idleHoldMs));
  const after = await rssKb(pid);
  const stillConnected = sockets.filter((socket: Socket) => socket.connected).length;
  closeAll(sockets);
  return {
    drops: drops + (users.length - stillConnected - drops),
    kbPerSocket: (after - before) / users.length,
    connectsPerSecond: users.length / (ms / 1000),
  };
}

function record(
  name: string,
  value: number,
  unit: string,
  baseline: number | null,
  target: string,
  check: ((ratio: number) => boolean) | null,
  detail?: Record<string, number>,
) {
  const ratio = baseline ? value / baseline : null;
  const result: Result = {
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: ratio === null ? null : round(ratio, 3),
    target,
    met: check && ratio !== null ? check(ratio) : null,
    ...(detail ? { detail: Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, round(v)])) } : {}),
  };
  results[name] = result;
  log(`${name}: ${result.value} ${unit}${baseline === null ? "" : ` vs ${result.baseline} (ratio ${result.ratio}, target ${target})`}`);
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

async function main() {
  const started = Date.now();
  log(
    `${quick ? "quick run" : "full run"} on ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  const relay = await startRelay();
  const relaySide: Side = { url: relay.url, auth: (user) => ({ userId: user.id }) };
  const app = await startApp("sqlite");
  const appSide: Side = { url: app.server.url, auth: (user) => ({ token: user.token }) };
  try {
    let appDmRate = 0;
    if (wanted("dm_throughput") || wanted("latency_p99")) {
      log("dm_throughput: app, then bare relay");
      const appRate = await repeated(async () => (await dmThroughput(appSide, app.seeded, settings.timing)).deliveriesPerSecond);
      const baseRate = await repeated(async () => (await dmThroughput(relaySide, app.seeded, settings.timing)).deliveriesPerSecond);
      appDmRate = appRate;
      record("dm_throughput", appRate, "DMs delivered/s", baseRate, "≥ 0.40", (ratio) => ratio >= 0.4);
    }
    if (wanted("persist_rate")) {
      log("persist_rate: the message store's append, 100 concurrent senders, no network; then raw better-sqlite3 batched inserts");
      const appRate = await repeated(() => storeAppendRate(settings.timing.measureMs));
      const raw = await repeated(() => rawInsertRate(settings.timing.measureMs));
      record("persist_rate", appRate, "messages stored/s", raw, "≥ 0.50", (ratio) => ratio >= 0.5);
    }
    if (wanted("group_throughput")) {
      log("group_throughput: app, then bare relay");
      const appRate = await repeated(async () => (await groupThroughput(appSide, app.seeded, settings.timing)).deliveriesPerSecond);
      const baseRate = await repeated(async () => (await groupThroughput(relaySide, app.seeded, settings.timing)).deliveriesPerSecond);
      record("group_throughput", appRate, "group deliveries/s", baseRate, "≥ 0.55", (ratio) => ratio >= 0.55);
    }
    if (wanted("latency_p99") && appDmRate > 0) {
      const rate = Math.max(10, Math.round(appDmRate / 2));
      log(`latency_p99: both at ${rate} DMs/s (half the app's measured maximum)`);
      const appLatency = await dmLatency(appSide, app.seeded, rate, settings.timing);
      const baseLatency = await dmLatency(relaySide, app.seeded, rate, settings.timing);
      record("latency_p99", appLatency.p99, "ms (p99)", baseLatency.p99, "≤ 2.0×", (ratio) => ratio <= 2, {
        offeredPerSecond: rate,
        appP50: appLatency.p50,
        baselineP50: baseLatency.p50,
      });
    }
    if (wanted("history_rest")) {
      log("history_rest: GET /groups/:id/messages?limit=50 (authenticated) vs GET /health, same stack");
      const { groupId, member } = app.seeded.history;
      const auth = { authorization: `Bearer ${member.token}` };
      const appRate = await repeated(() =>
        httpLoad(`${app.server.url}/groups/${groupId}/messages?limit=50`, auth, settings.httpConcurrency, settings.timing),
      );
      const baseRate = await repeated(() => httpLoad(`${app.server.url}/health`, {}, settings.httpConcurrency, settings.timing));
      record("history_rest", appRate, "requests/s", baseRate, "≥ 0.80", (ratio) => ratio >= 0.8);
    }
    if (wanted("dm_with_receipts")) {
      log("dm_with_receipts: app (every receiver marks each DM read), then the bare relay's plain DM relay");
      const appRate = await repeated(
        async () => (await dmWithReceipts(app.server.url, app.seeded.pairs, WINDOW, settings.timing)).deliveriesPerSecond,
      );
      const baseRate = await repeated(async () => (await dmThroughput(relaySide, app.seeded, settings.timing)).deliveriesPerSecond);
      record("dm_with_receipts", appRate, "DMs delivered and read/s", baseRate, "≥ 0.25", (ratio) => ratio >= 0.25);
    }
    if (wanted("inbox_rest")) {
      const [small, large] = app.inboxes;
      if (!small || !large) throw new Error("no inbox users");
      log(
        `inbox_rest: GET /conversations?limit=50 for a user with ${small.conversations} conversations (${small.messages} messages each) vs GET /health; then ${large.messages} messages each`,
      );
      const inboxRate = (inbox: InboxSeed) =>
        repeated(() =>
          httpLoad(
            `${app.server.url}/conversations?limit=50`,
            { authorization: `Bearer ${inbox.user.token}` },
            settings.httpConcurrency,
            settings.timing,
          ),
        );
      const smallRate = await inboxRate(small);
      const largeRate = await inboxRate(large);
      const baseRate = await repeated(() => httpLoad(`${app.server.url}/health`, {}, settings.httpConcurrency, settings.timing));
      record("inbox_rest", smallRate, "requests/s", baseRate, "≥ 0.50", (ratio) => ratio >= 0.5, {
        conversations: small.conversations,
        messagesEach: small.messages,
        tenfoldHistoryRate: largeRate,
        tenfoldHistoryPercentOfBaseline: (100 * largeRate) / baseRate,
      });
    }
  } finally {
    await app.stop();
  }
  if (wanted("idle_connections")) {
    // A server of its own, so its memory holds nothing from the other scenarios.
    log(`idle_connections: ${settings.idle} sockets held ${settings.idleHoldMs / 1000} s, on a fresh server`);
    const fresh = await startApp("sqlite");
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const idle = await idleConnections(fresh.server, fresh.seeded);
      // What this load generator reaches against the bare relay: where the connect rate is bounded by the
      // client (both run on this machine), the relay shows it.
      const relayConnects = await relayConnectRate(relay.url, fresh.seeded.users.slice(0, settings.idle));
      const met = idle.drops === 0 && idle.kbPerSocket <= 30 && idle.connectsPerSecond >= 2000;
      results.idle_connections = {
        value: round(idle.kbPerSocket),
        unit: "KB RSS per socket",
        baseline: null,
        ratio: null,
        target: "0 drops, ≤ 30 KB each, ≥ 2,000 connects/s",
        met,
        detail: {
          sockets: settings.idle,
          drops: idle.drops,
          connectsPerSecond: round(idle.connectsPerSecond),
          relayConnectsPerSecond: round(relayConnects),
        },
      };
      log(
        `idle_connections: ${idle.drops} drops, ${round(idle.kbPerSocket)} KB/socket, ${round(idle.connectsPerSecond)} connects/s (bare relay with the same client: ${round(relayConnects)} connects/s)`,
      );
    } finally {
      await fresh.stop();
    }
  }
  if (wanted("mariadb_dm_throughput")) {
    log("mariadb_dm_throughput: the app on MariaDB, then bare relay");
    const maria = await startApp("mariadb");
    try {
      const mariaSide: Side = { url: maria.server.url, auth: (user) => ({ token: user.token }) };
      const appRate = await repeated(async () => (await dmThroughput(mariaSide, maria.seeded, settings.timing)).deliveriesPerSecond);
      const baseRate = await repeated(async () => (await dmThroughput(relaySide, maria.seeded, settings.timing)).deliveriesPerSecond);
      record("mariadb_dm_throughput", appRate, "DMs delivered/s", baseRate, "≥ 0.25", (ratio) => ratio >= 0.25);
    } finally {
      await maria.stop();
    }
  }
  relay.child.kill("SIGTERM");

  const file = join(benchDir, "results.json");
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log("");
  console.log("| scenario | Hestia | baseline | ratio | target | met |");
  console.log("|---|---|---|---|---|---|");
  for (const [name, result] of Object.entries(results)) {
    const extra = result.detail
      ? ` (${Object.entries(result.detail)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")})`
      : "";
    console.log(
      `| \`${name}\` | ${result.value} ${result.unit}${extra} | ${result.baseline ?? "—"} | ${result.ratio ?? "—"} | ${result.target} | ${result.met === null ? "report" : result.met ? "yes" : "**no**"} |`,
    );
  }
  log(`wrote ${file} in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
