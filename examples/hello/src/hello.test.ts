import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { hello } from "./hello";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

it("registers on first run and logs in on the next", async () => {
  const first = await hello(server.url, "hello_example", "hello-password");
  const second = await hello(server.url, "hello_example", "hello-password");
  expect(second.id).toBe(first.id);
  expect(second.bio).toBe("Hello from hello_example");
});
