import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";

/** How a client authenticates: a Hestia token, or (for the bare relay) just a user id. */
export type Auth = { token: string } | { userId: number };

export interface Timing {
  warmupMs: number;
  measureMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `array[index]`, which must exist: a missing element is a bug in the benchmark. */
export function at<T>(array: readonly T[], index: number): T {
  const value = array[index];
  if (value === undefined) throw new Error(`no element ${index} of ${array.length}`);
  return value;
}

/** Opens `auths.length` sockets, at most `concurrency` handshakes at a time; resolves with them and the time it took. */
export async function connectAll(url: string, auths: Auth[], concurrency = 200): Promise<{ sockets: Socket[]; ms: number }> {
  const sockets: Socket[] = new Array(auths.length);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < auths.length) {
      const index = next++;
      const socket = io(url, { auth: at(auths, index), transports: ["websocket"], reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", (error) => reject(error));
      });
      sockets[index] = socket;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sockets, ms: performance.now() - started };
}

export function closeAll(sockets: Socket[]): void {
  for (const socket of sockets) socket?.close();
}

/** Emits with an acknowledgement; resolves with what the server answered. */
export function emitAck(socket: Socket, event: string, payload: unknown): Promise<unknown> {
  return new Promise((resolve) => socket.emit(event, payload, resolve));
}

/**
 * Closed-loop load: every sender keeps `window` sends in flight until the time is up. Deliveries are
 * counted where they arrive (`count` decides which received events are deliveries); only those during
 * the measured window count. Returns deliveries/s and acknowledged sends/s.
 */
export async function closedLoop<Payload>(options: {
  senders: { socket: Socket; send: () => [string, unknown] }[];
  receivers: { socket: Socket; event: string; count: (payload: Payload) => number }[];
  window: number;
  timing: Timing;
  /** Sees every acknowledgement (to count failed sends). */
  onAck?: (answer: unknown) => void;
}): Promise<{ deliveriesPerSecond: number; acksPerSecond: number }> {
  let measuring = false;
  let stopping = false;
  let deliveries = 0;
  let acks = 0;
  for (const { socket, event, count } of options.receivers) {
    socket.on(event, (payload: Payload) => {
      if (measuring) deliveries += count(payload);
    });
  }
  // One acknowledged send each before the clock starts: a pair's first DM creates its conversation, a
  // one-time cost that (hundreds of pairs at once) can outlast a short warmup and is not the steady state.
  await Promise.all(options.senders.map(async ({ socket, send }) => options.onAck?.(await emitAck(socket, ...send()))));
  const loops = options.senders.flatMap(({ socket, send }) =>
    Array.from({ length: options.window }, async () => {
      while (!stopping) {
        const [event, payload] = send();
        const answer = await emitAck(socket, event, payload);
        options.onAck?.(answer);
        if (measuring) acks++;
      }
    }),
  );
  await sleep(options.timing.warmupMs);
  measuring = true;
  const started = performance.now();
  await sleep(options.timing.measureMs);
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  stopping = true;
  await Promise.all(loops);
  for (const { socket, event } of options.receivers) socket.off(event);
  return { deliveriesPerSecond: deliveries / seconds, acksPerSecond: acks / seconds };
}

/**
 * Open-loop load at a fixed offered rate (sends/s, spread evenly across senders, each message carrying
 * its send time); latency is measured on this process's clock from send to receipt. Returns the 99th
 * percentile and the median in ms.
 */
export async function openLoopLatency<Payload>(options: {
  senders: { socket: Socket; send: (stamp: string) => [string, unknown] }[];
  receivers: { socket: Socket; event: string; stamp: (payload: Payload) => string | undefined }[];
  ratePerSecond: number;
  timing: Timing;
}): Promise<{ p99: number; p50: number; samples: number }> {
  let measuring = false;
  const latencies: number[] = [];
  for (const { socket, event, stamp } of options.receivers) {
    socket.on(event, (payload: Payload) => {
      const sent = stamp(payload);
      if (measuring && sent !== undefined) latencies.push(performance.now() - Number(sent));
    });
  }
  const tickMs = 10;
  const perTick = (options.ratePerSecond * tickMs) / 1000;
  let credit = 0;
  let turn = 0;
  const timer = setInterval(() => {
    credit += perTick;
    while (credit >= 1) {
      credit -= 1;
      const sender = at(options.senders, turn++ % options.senders.length);
      const [event, payload] = sender.send(String(performance.now()));
      sender.socket.emit(event, payload, () => {});
    }
  }, tickMs);
  await sleep(options.timing.warmupMs);
  measuring = true;
  await sleep(options.timing.measureMs);
  measuring = false;
  clearInterval(timer);
  await sleep(500);
  for (const { socket, event } of options.receivers) socket.off(event);
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { p99: quantile(0.99), p50: quantile(0.5), samples: latencies.length };
}

/** HTTP GETs from `concurrency` keep-alive connections until the time is up; returns successful requests/s. */
export async function httpLoad(url: string, headers: Record<string, string>, concurrency: number, timing: Timing): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let measuring = false;
  let stopping = false;
  let ok = 0;
  let failed = 0;
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { agent, headers }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stopping) {
      const status = await get();
      if (!measuring) continue;
      if (status === 200) ok++;
      else failed++;
    }
  });
  await sleep(timing.warmupMs);
  measuring = true;
  const started = performance.now();
  await sleep(timing.measureMs);
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  stopping = true;
  await Promise.all(loops);
  agent.destroy();
  if (failed) throw new Error(`${failed} requests to ${url} failed`);
  return ok / seconds;
}

/** A process's resident memory in KB (Linux). */
export async function rssKb(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? at(sorted, middle) : (at(sorted, middle - 1) + at(sorted, middle)) / 2;
}
