// npm run bench [-- --quick]: the real server and bare baselines, measured in the same run on this
// machine, driven from this process; prints a table and writes bench/results.json.
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { dmWithReceipts, type InboxSeed } from "./inbox";
import { REACTION_TARGETS, reactionThroughput, SEARCH_WORD } from "./lifecycle";
import { httpLoad, median } from "./load";
import { rawInsertRate, storeAppendRate } from "./persist";
import { benchDir, startApp, startRelay } from "./processes";
import { log, record, results, round, writeResults } from "./report";
import { dmLatency, dmThroughput, groupThroughput, idleConnections, relayConnectRate, type Side, WINDOW } from "./scenarios";
import { quick, settings, wanted } from "./settings";
import { concurrentUploadRss, startBareUploadServer, uploadThroughput } from "./uploads";

/** Runs `measure` `settings.repeats` times and keeps the median. */
async function repeated(measure: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < settings.repeats; i++) values.push(await measure());
  return median(values);
}

async function main() {
  const started = Date.now();
  log(
    `${quick ? "quick run" : "full run"} on ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  const relay = await startRelay();
  const relaySide: Side = { url: relay.url, auth: (user) => ({ userId: user.id }) };
  const app = await startApp("sqlite", settings, true);
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
    if (wanted("search_rest")) {
      const { searcher, messages, matching } = app.search;
      log(
        `search_rest: GET /search/messages?q=${SEARCH_WORD} (${matching} of the searcher's ${messages} messages hold it; ranked, first page) vs GET /health`,
      );
      const appRate = await repeated(() =>
        httpLoad(
          `${app.server.url}/search/messages?q=${SEARCH_WORD}`,
          { authorization: `Bearer ${searcher.token}` },
          settings.httpConcurrency,
          settings.timing,
        ),
      );
      const baseRate = await repeated(() => httpLoad(`${app.server.url}/health`, {}, settings.httpConcurrency, settings.timing));
      record("search_rest", appRate, "requests/s", baseRate, "≥ 0.30", (ratio) => ratio >= 0.3, {
        messages,
        matching,
        conversations: settings.search.conversations,
      });
    }
    if (wanted("reaction_throughput")) {
      log(
        `reaction_throughput: reactions to the ${REACTION_TARGETS} newest messages in ${settings.groups} groups of 10, every member adding and taking back; app, then the bare relay's room fan-out`,
      );
      const reactionRate = async (side: Side) =>
        (await reactionThroughput(side, app.seeded, app.reactionTargets, settings.timing)).deliveriesPerSecond;
      const appRate = await repeated(() => reactionRate(appSide));
      const baseRate = await repeated(() => reactionRate(relaySide));
      record("reaction_throughput", appRate, "reaction deliveries/s", baseRate, "≥ 0.40", (ratio) => ratio >= 0.4);
    }
    if (wanted("upload_throughput")) {
      log(
        "upload_throughput: 1 MiB multipart uploads to POST /attachments (local storage), then to a bare node:http server writing to disk",
      );
      const tokens = app.seeded.users.slice(0, 100).map((user) => user.token);
      const bare = await startBareUploadServer();
      try {
        const appRate = await repeated(() => uploadThroughput(`${app.server.url}/attachments`, tokens, settings.timing, true));
        const baseRate = await repeated(() => uploadThroughput(bare.url, tokens, settings.timing, true));
        const pid = app.server.child.pid ?? 0;
        const { concurrent: count, sizeMiB } = settings.uploads;
        log(`upload_throughput: server RSS growth while ${count} uploads of ${sizeMiB} MiB run at once`);
        const rssMb = await concurrentUploadRss(`${app.server.url}/attachments`, pid, tokens, count, sizeMiB);
        record("upload_throughput", appRate, "MiB/s", baseRate, "≥ 0.50, RSS growth ≤ 50 MB", (ratio) => ratio >= 0.5 && rssMb <= 50, {
          concurrentUploads: count,
          sizeMiB,
          rssGrowthMb: rssMb,
        });
      } finally {
        bare.stop();
      }
    }
  } finally {
    await app.stop();
  }
  if (wanted("idle_connections")) {
    // A server of its own, so its memory holds nothing from the other scenarios.
    log(`idle_connections: ${settings.idle} sockets held ${settings.idleHoldMs / 1000} s, on a fresh server`);
    const fresh = await startApp("sqlite", settings);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const idle = await idleConnections(fresh.server, fresh.seeded, settings.idle, settings.idleHoldMs);
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
    const maria = await startApp("mariadb", settings);
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
  writeResults(file);
  log(`wrote ${file} in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
