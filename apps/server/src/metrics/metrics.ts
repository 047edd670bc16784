import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * What the server counts and times, for Prometheus at `/metrics`. Disabled metrics are no-ops, so the
 * hot paths pay one empty call. Every label takes few values (event and procedure names, error codes).
 */
export interface Metrics {
  readonly enabled: boolean;
  /** The recorder of one socket event's outcomes; made once per event, not per call. */
  socketEvent(event: string): (code: string, seconds: number) => void;
  /** One REST or tRPC call of a procedure: `code` is "ok" or the API error code. */
  request(procedure: string, code: string, seconds: number): void;
  /** An error answered to a client, by transport and API error code. */
  error(transport: "rest" | "socket" | "http", code: string): void;
  /** A message stored (kind: dm, group, encrypted). */
  sent(kind: string): void;
  /** A fan-out to sockets (one per broadcast, not per socket), by broadcaster method. */
  delivered(kind: string): void;
  /** One group commit of the message store: how many messages, how long the transaction took. */
  commit(size: number, seconds: number): void;
  /** A refusal by a named rate limit. */
  refused(limit: string): void;
  /** Reports the number of sockets connected to this process at every scrape. */
  trackSockets(count: () => number): void;
  /** The Prometheus text exposition, and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

const noop = () => {};

export const disabledMetrics: Metrics = {
  enabled: false,
  socketEvent: () => noop,
  request: noop,
  error: noop,
  sent: noop,
  delivered: noop,
  commit: noop,
  refused: noop,
  trackSockets: noop,
  render: async () => ({ contentType: "text/plain", body: "" }),
};

/** Seconds: from a cached lookup (sub-millisecond) to a slow database (seconds). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/** A registry of its own per server, so several servers in one process (tests) do not share counters. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  // The standard process_* and nodejs_* names, which ready-made dashboards expect.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let countSockets = () => 0;
  new Gauge({
    name: "hestia_sockets_connected",
    help: "Socket.IO connections open on this process",
    registers,
    collect() {
      this.set(countSockets());
    },
  });
  const socketEvents = new Histogram({
    name: "hestia_socket_event_duration_seconds",
    help: "Time a client event took in its handler (from the start of its handling to its answer), by event and outcome (ok or error code)",
    labelNames: ["event", "code"],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const requests = new Histogram({
    name: "hestia_request_duration_seconds",
    help: "Time spent in a REST/tRPC procedure, by procedure and outcome (ok or error code)",
    labelNames: ["procedure", "code"],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const errors = new Counter({
    name: "hestia_errors_total",
    help: "Errors answered to clients, by transport and API error code",
    labelNames: ["transport", "code"],
    registers,
  });
  const sends = new Counter({ name: "hestia_messages_sent_total", help: "Messages stored, by kind", labelNames: ["kind"], registers });
  const deliveries = new Counter({
    name: "hestia_deliveries_total",
    help: "Fan-outs to sockets (one per broadcast), by kind",
    labelNames: ["kind"],
    registers,
  });
  const commitTime = new Histogram({
    name: "hestia_db_commit_duration_seconds",
    help: "Time of one group commit of the message store (one transaction)",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const commitSize = new Histogram({
    name: "hestia_db_commit_batch_size",
    help: "Messages written by one group commit",
    buckets: BATCH_BUCKETS,
    registers,
  });
  const refusals = new Counter({
    name: "hestia_rate_limit_refusals_total",
    help: "Requests and events refused by a rate limit, by limit",
    labelNames: ["limit"],
    registers,
  });

  return {
    enabled: true,
    socketEvent(event) {
      const ok = socketEvents.labels(event, "ok");
      return (code, seconds) => (code === "ok" ? ok.observe(seconds) : socketEvents.labels(event, code).observe(seconds));
    },
    request: (procedure, code, seconds) => requests.labels(procedure, code).observe(seconds),
    error: (transport, code) => errors.labels(transport, code).inc(),
    sent: (kind) => sends.labels(kind).inc(),
    delivered: (kind) => deliveries.labels(kind).inc(),
    commit(size, seconds) {
      commitSize.observe(size);
      commitTime.observe(seconds);
    },
    refused: (limit) => refusals.labels(limit).inc(),
    trackSockets(count) {
      countSockets = count;
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
