// upload_throughput: 1 MiB uploads through the real server to local storage, against a bare node:http
// server that writes the same bytes to disk (a temporary file and a rename, like the local store).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rssKb, type Timing } from "./load";

const MiB = 1024 * 1024;
const CONCURRENCY = 4;

const BARE_SERVER = `
const { createServer } = require("node:http");
const { createWriteStream } = require("node:fs");
const { rename } = require("node:fs/promises");
const { pipeline } = require("node:stream/promises");
const { randomBytes } = require("node:crypto");
const dir = process.argv[1];
createServer(async (req, res) => {
  const name = randomBytes(16).toString("hex");
  const temporary = dir + "/." + name + ".tmp";
  await pipeline(req, createWriteStream(temporary));
  await rename(temporary, dir + "/" + name);
  res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ name }));
}).listen(0, "127.0.0.1", function () { console.log("bare upload server on " + this.address().port); });
`;

/** The bare upload server in its own process, writing under a temporary directory. */
export async function startBareUploadServer(): Promise<{ url: string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "hestia-bench-uploads-"));
  const child: ChildProcess = spawn(process.execPath, ["-e", BARE_SERVER, dir], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      const match = /on (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`bare upload server exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}/upload`,
    stop() {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function multipart(bytes: Uint8Array): { body: Blob; contentType: string } {
  const boundary = "hestia-bench-boundary";
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    body: new Blob([head, bytes as Uint8Array<ArrayBuffer>, `\r\n--${boundary}--\r\n`]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** MB/s of 1 MiB uploads, `CONCURRENCY` in flight; `tokens` are spread over the uploads (each user's quota). */
export async function uploadThroughput(url: string, tokens: string[], timing: Timing, asMultipart: boolean): Promise<number> {
  const bytes = new Uint8Array(MiB).map((_, i) => (i * 7) % 256);
  const { body, contentType } = multipart(bytes);
  let uploaded = 0;
  let counting = false;
  let stop = false;
  let next = 0;
  const worker = async () => {
    while (!stop) {
      const token = tokens[next++ % tokens.length];
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": asMultipart ? contentType : "application/octet-stream" },
        body: asMultipart ? body : new Blob([bytes as Uint8Array<ArrayBuffer>]),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`upload answered ${response.status}`);
      if (counting) uploaded += 1;
    }
  };
  const workers = Array.from({ length: CONCURRENCY }, worker);
  await new Promise((resolve) => setTimeout(resolve, timing.warmupMs));
  counting = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, timing.measureMs));
  counting = false;
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(workers);
  return uploaded / seconds; // MiB/s
}

/** Peak RSS growth (MB) of the server process while `count` uploads of `sizeMiB` run at once, one per user. */
export async function concurrentUploadRss(url: string, pid: number, tokens: string[], count: number, sizeMiB: number): Promise<number> {
  const { body, contentType } = multipart(new Uint8Array(sizeMiB * MiB - 64 * 1024).fill(9));
  const before = await rssKb(pid);
  let peak = before;
  let done = false;
  const poll = (async () => {
    while (!done) {
      peak = Math.max(peak, await rssKb(pid));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const statuses = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens[i % tokens.length]}`, "content-type": contentType },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    }),
  );
  done = true;
  await poll;
  const failed = statuses.filter((status) => status !== 201).length;
  if (failed) throw new Error(`${failed} of ${count} uploads failed: ${[...new Set(statuses)].join(", ")}`);
  return (peak - before) / 1024;
}
