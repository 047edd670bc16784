import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { startServer, type TestServer } from "@hestia/server/testing";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Chromium to drive: CHROMIUM_PATH, or Debian's. Tests skip without one, unless TEST_REQUIRE_BROWSER is set. */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.TEST_REQUIRE_BROWSER)
  throw new Error(`TEST_REQUIRE_BROWSER is set but there is no Chromium at ${chromiumPath}`);
if (!haveChromium) console.warn(`no Chromium at ${chromiumPath}: skipping the browser test (set CHROMIUM_PATH)`);

describe.skipIf(!haveChromium)("the SDK in a real browser (Chromium), against a real server", () => {
  let server: TestServer;
  let page: Server;
  let browser: Browser;
  let pageUrl: string;

  beforeAll(async () => {
    server = await startServer();
    // The SDK bundled for browsers, as an app's bundler would (socket.io-client's browser build, no Node built-ins).
    const bundle = await build({
      stdin: {
        contents: 'export { createClient, HestiaError, memoryStorage } from "./src/index";',
        resolveDir: join(import.meta.dirname, ".."),
        loader: "ts",
      },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    const script = bundle.outputFiles[0]!.text;
    page = createServer((req, res) => {
      if (req.url === "/sdk.js") return res.writeHead(200, { "content-type": "text/javascript" }).end(script);
      res
        .writeHead(200, { "content-type": "text/html" })
        .end('<!doctype html><script type="module">import * as sdk from "/sdk.js"; window.sdk = sdk;</script>');
    });
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    page?.close();
    await server?.close();
  });

  it("registers, befriends, uploads an avatar Blob, and exchanges a DM over realtime (cross-origin)", async () => {
    const tab = await browser.newPage();
    await tab.goto(pageUrl);
    await tab.waitForFunction(() => "sdk" in window);
    const result = await tab.evaluate(async (baseUrl) => {
      const { createClient, HestiaError } = (window as any).sdk;
      const stamp = Math.random().toString(36).slice(2, 8);
      const alice = createClient({ baseUrl });
      const bob = createClient({ baseUrl });
      const a = await alice.auth.register({ username: `browser_a_${stamp}`, password: "password123" });
      const b = await bob.auth.register({ username: `browser_b_${stamp}`, password: "password123" });
      await alice.friends.request(b.user.id);
      await bob.friends.accept(a.user.id);
      const png = Uint8Array.from(
        atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="),
        (c) => c.charCodeAt(0),
      );
      const profile = await alice.users.setAvatar(new Blob([png], { type: "image/png" }));
      const received = new Promise<string>((resolve) =>
        bob.realtime.on("newDM", (message: { content: string }) => resolve(message.content)),
      );
      await bob.realtime.connect();
      await alice.realtime.connect();
      const sent = await alice.realtime.sendDM({ toId: b.user.id, content: "hello from a browser" });
      const failure = await alice.groups.get(999999).catch((error: unknown) => error);
      return {
        avatar: profile.profilePictureUrl as string,
        sentSeq: sent.seq as number,
        received: await received,
        failure: failure instanceof HestiaError ? { status: failure.status, code: failure.code } : String(failure),
      };
    }, server.url);
    expect(result.avatar).toMatch(/\/uploads\/avatars\/[0-9a-f]{32}\.png$/);
    expect(result.sentSeq).toBe(1);
    expect(result.received).toBe("hello from a browser");
    expect(result.failure).toEqual({ status: 404, code: "NOT_FOUND" });
    await tab.close();
  }, 60_000);

  it("uploads a file with onProgress (rising, ending at its size) and downloads the same bytes", async () => {
    const tab = await browser.newPage();
    await tab.goto(pageUrl);
    await tab.waitForFunction(() => "sdk" in window);
    const result = await tab.evaluate(async (baseUrl) => {
      const { createClient } = (window as any).sdk;
      const client = createClient({ baseUrl });
      await client.auth.register({ username: `browser_up_${Math.random().toString(36).slice(2, 8)}`, password: "password123" });
      // 12 MiB that differ from place to place, so a shifted or dropped chunk shows.
      const bytes = new Uint8Array(12 * 1024 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 12)) % 251;
      const progress: { loaded: number; total: number | undefined }[] = [];
      const file = new File([bytes], "big.bin");
      const uploaded = await client.attachments.upload(file, { onProgress: (step: (typeof progress)[number]) => progress.push(step) });
      const downloaded: Uint8Array = await client.attachments.download(uploaded);
      let same = downloaded.length === bytes.length;
      for (let i = 0; same && i < bytes.length; i++) same = downloaded[i] === bytes[i];
      return { size: bytes.length, uploaded: { name: uploaded.name, size: uploaded.size }, progress, same };
    }, server.url);
    expect(result.uploaded).toEqual({ name: "big.bin", size: result.size });
    expect(result.same).toBe(true);
    const loaded = result.progress.map((step) => step.loaded);
    expect(loaded.length).toBeGreaterThan(1);
    for (let i = 1; i < loaded.length; i++) expect(loaded[i]).toBeGreaterThan(loaded[i - 1] as number);
    expect(loaded.at(-1)).toBe(result.size);
    expect(new Set(result.progress.map((step) => step.total))).toEqual(new Set([result.size]));
    await tab.close();
  }, 60_000);

  it("exchanges end-to-end encrypted DMs between two browser devices (WebCrypto, no Node built-ins)", async () => {
    const tab = await browser.newPage();
    await tab.goto(pageUrl);
    await tab.waitForFunction(() => "sdk" in window);
    const result = await tab.evaluate(async (baseUrl) => {
      const { createClient, memoryStorage } = (window as any).sdk;
      const stamp = Math.random().toString(36).slice(2, 8);
      const alice = createClient({ baseUrl, e2ee: { storage: memoryStorage() } });
      const bob = createClient({ baseUrl, e2ee: { storage: memoryStorage() } });
      const a = await alice.auth.register({ username: `browser_ea_${stamp}`, password: "password123" });
      const b = await bob.auth.register({ username: `browser_eb_${stamp}`, password: "password123" });
      await alice.friends.request(b.user.id);
      await bob.friends.accept(a.user.id);
      await Promise.all([alice.e2ee.enable(), bob.e2ee.enable()]);
      const atBob = new Promise<string>((resolve) => bob.e2ee.on("message", (message: { text: string }) => resolve(message.text)));
      const atAlice = new Promise<string>((resolve) => alice.e2ee.on("message", (message: { text: string }) => resolve(message.text)));
      await alice.e2ee.sendDM(b.user.id, "sealed in a browser");
      const [stored] = await bob.dms.history(a.user.id);
      await bob.e2ee.sendDM(a.user.id, "and opened in one");
      const texts = [await atBob, await atAlice];
      const safety = [await alice.e2ee.safetyNumber(b.user.id), await bob.e2ee.safetyNumber(a.user.id)];
      alice.realtime.disconnect();
      bob.realtime.disconnect();
      return { texts, stored: { encrypted: stored.encrypted, content: stored.content }, safetySame: safety[0] === safety[1] };
    }, server.url);
    expect(result).toEqual({
      texts: ["sealed in a browser", "and opened in one"],
      stored: { encrypted: true, content: null },
      safetySame: true,
    });
    await tab.close();
  }, 60_000);
});
