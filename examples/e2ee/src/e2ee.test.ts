import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { demo } from "./e2ee";

let server: TestServer;
let keysDir: string;
beforeAll(async () => {
  server = await startServer();
  keysDir = mkdtempSync(join(tmpdir(), "hestia-e2ee-example-"));
});
afterAll(async () => {
  await server.close();
  rmSync(keysDir, { recursive: true, force: true });
});

it("delivers the text decrypted while the server holds only ciphertext, and runs again on the same devices", async () => {
  const options = {
    baseUrl: server.url,
    from: { username: "ex_alice", password: "alice-password" },
    to: { username: "ex_bob", password: "bob-password" },
    keysDir,
  };
  const first = await demo({ ...options, text: "first secret" });
  expect(first.received).toMatchObject({ text: "first secret", sender: { username: "ex_alice" } });
  expect(first.stored).toMatchObject({ encrypted: true, content: null });
  expect(Buffer.from(first.stored.ciphertext!, "base64").includes(Buffer.from("first secret"))).toBe(false);
  expect(first.safetyNumber).toMatch(/^(\d{5} ){11}\d{5}$/);

  const second = await demo({ ...options, text: "second secret" });
  expect(second.received.text).toBe("second secret");
  expect(second.received.sender.deviceId).toBe(first.received.sender.deviceId);
  expect(second.safetyNumber).toBe(first.safetyNumber);
});
