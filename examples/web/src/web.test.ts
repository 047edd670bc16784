import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startServer, type TestServer } from "@hestia/server/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleApp } from "../build.mjs";

/** Chromium to drive: CHROMIUM_PATH, or Debian's. The test skips without one, unless TEST_REQUIRE_BROWSER is set. */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.TEST_REQUIRE_BROWSER)
  throw new Error(`TEST_REQUIRE_BROWSER is set but there is no Chromium at ${chromiumPath}`);
if (!haveChromium) console.warn(`no Chromium at ${chromiumPath}: skipping the web example's test (set CHROMIUM_PATH)`);

describe.skipIf(!haveChromium)("examples/web in Chromium: two people befriend each other and chat", () => {
  let server: TestServer;
  let site: Server;
  let browser: Browser;
  let siteUrl: string;

  beforeAll(async () => {
    server = await startServer();
    const app = await bundleApp({ write: false });
    const html = await readFile(new URL("../public/index.html", import.meta.url), "utf8");
    const css = await readFile(new URL("../public/style.css", import.meta.url), "utf8");
    // The page from its own origin, as `npm start` in examples/web serves it: the API calls are cross-origin.
    site = createServer((req, res) => {
      if (req.url === "/app.js") return res.writeHead(200, { "content-type": "text/javascript" }).end(app);
      if (req.url === "/style.css") return res.writeHead(200, { "content-type": "text/css" }).end(css);
      res.writeHead(200, { "content-type": "text/html" }).end(html);
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/?server=${encodeURIComponent(server.url)}`;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    site?.close();
    await server?.close();
  });

  async function register(username: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(siteUrl);
    await page.fill("#username", username);
    await page.fill("#password", "password123");
    await page.click("#register");
    await page.locator("#me").filter({ hasText: username }).waitFor();
    expect(errors).toEqual([]);
    return page;
  }

  it("registers, finds and befriends, then exchanges messages live with unread counts", async () => {
    const stamp = Math.random().toString(36).slice(2, 7);
    const alice = await register(`web_alice_${stamp}`);
    const bob = await register(`web_bob_${stamp}`);

    // Alice finds Bob by a prefix of his name and asks; Bob accepts from his requests.
    await alice.fill("#search", `web_bob_${stamp}`.slice(0, 12));
    await alice.press("#search", "Enter");
    await alice
      .locator("#results li", { hasText: `web_bob_${stamp}` })
      .getByRole("button", { name: "Add friend" })
      .click();
    await alice.locator("#results li", { hasText: "(request sent)" }).waitFor();
    await bob
      .locator("#requests li", { hasText: `web_alice_${stamp}` })
      .getByRole("button", { name: "Accept" })
      .click();
    await bob.locator("#friends li", { hasText: `web_alice_${stamp}` }).waitFor();

    // Alice writes first: the conversation starts with the message.
    await alice
      .locator("#friends li", { hasText: `web_bob_${stamp}` })
      .getByRole("button", { name: "Message" })
      .click({ timeout: 10_000 });
    await alice.fill("#text", "hello from the browser");
    await alice.click("#send");
    await alice.locator("#messages li.mine", { hasText: "you: hello from the browser" }).waitFor();

    // Bob's inbox shows it live, unread; opening it reads it and clears the count.
    const entry = bob.locator("#inbox li", { hasText: `web_alice_${stamp}` });
    await entry.locator(".badge", { hasText: "1" }).waitFor();
    await expect.poll(() => bob.textContent("#total")).toBe("1");
    await entry.click();
    await bob.locator("#messages li", { hasText: `web_alice_${stamp}: hello from the browser` }).waitFor();
    await expect.poll(() => bob.textContent("#total")).toBe("0");

    // Bob answers; Alice, with the conversation open, sees it arrive.
    await bob.fill("#text", "hi alice, got it");
    await bob.click("#send");
    await alice.locator("#messages li", { hasText: `web_bob_${stamp}: hi alice, got it` }).waitFor();
    expect(await alice.locator("#messages li").allTextContents()).toEqual([
      "you: hello from the browser",
      `web_bob_${stamp}: hi alice, got it`,
    ]);
    expect(await alice.textContent("#error")).toBe("");
    expect(await bob.textContent("#error")).toBe("");
  });

  it("shows a clear error for a wrong password", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(siteUrl);
    await page.fill("#username", "nobody_here");
    await page.fill("#password", "wrong-password");
    await page.click("#login");
    await expect.poll(() => page.textContent("#signin-error")).toMatch(/invalid|wrong|incorrect/i);
    expect(await page.isHidden("#app")).toBe(true);
  });
});
