import { randomBytes } from "node:crypto";
import { clientEvents } from "@hestia/contracts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { befriend, collect, connect, emitAck, eventually, registerUser, startServer, type TestServer } from "./helpers";

let deep: Record<string, unknown> = {};
for (let i = 0; i < 200; i++) deep = { next: deep };

const garbage: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  Number.MAX_SAFE_INTEGER,
  Number.NaN,
  "",
  "groupId",
  "x".repeat(100_000),
  [],
  [1, 2, 3],
  {},
  { groupId: "abc" },
  { groupId: -5 },
  { groupId: 1.5 },
  { groupId: 2 ** 40 },
  { toId: null, content: "hi" },
  { toId: 1, content: "" },
  { toId: 1, content: 42 },
  { toId: 1, content: "x".repeat(5000) },
  { toId: 1, encrypted: true },
  { toId: 1, encrypted: true, ciphertext: "not base64!" },
  { toId: 1, encrypted: true, ciphertext: "AAAA" },
  { toId: 1, encrypted: "yes", ciphertext: "AAAA" },
  { toId: 1, content: "hi", ciphertext: "AAAA" },
  { toId: 1, encrypted: true, content: "hi", ciphertext: "AAAA" },
  { toId: 1, encrypted: true, ciphertext: "A".repeat(70_000) },
  { groupId: 1, encrypted: true, ciphertext: "AAAAAAAA" },
  { groupId: 1, encrypted: false, ciphertext: "AAAA" },
  { otherId: 1, before: 1, after: 2 },
  { otherId: 1, limit: 1000 },
  { groupId: 1, limit: "many" },
  { __proto__: { groupId: 1 } },
  { constructor: { prototype: { polluted: true } } },
  deep,
  Buffer.from("binary garbage"),
];

let server: TestServer;
beforeAll(async () => {
  // Every kind of garbage on each of editMessage, react and unreact counts against one limit: raise it, it is not under test here.
  server = await startServer({ RATE_LIMIT_REACTIONS: "1000/1s" });
});
afterAll(() => server.close());

it(`answers ${garbage.length} kinds of garbage on every client event, then serves normal traffic`, async () => {
  const [sender, receiver] = [await registerUser(server, "fuzz"), await registerUser(server, "peer")];
  await befriend(server, sender, receiver);
  const socket = await connect(server, sender.token);
  const errors = collect(socket, "error");
  let failures = 0;
  for (const [event, definition] of Object.entries(clientEvents)) {
    for (const payload of garbage) {
      const label = `${event} ${JSON.stringify(payload)?.slice(0, 60)}`;
      const answer = await emitAck(socket, event, payload);
      // Some junk happens to be a valid payload for some event; it must then be handled, never crash.
      if (!definition.payload.safeParse(payload).success) expect(answer, label).toMatchObject({ code: "VALIDATION_ERROR" });
      expect(answer?.code, label).not.toBe("INTERNAL_ERROR");
      if (answer?.error) failures += 1;
      socket.emit(event, payload);
    }
  }
  await eventually(() => expect(errors).toHaveLength(failures));
  // Well-formed payloads whose ciphertext is no MLS application message of the conversation: a 400, never a 500.
  const ciphertexts = ["AAAA", randomBytes(300).toString("base64"), Buffer.from([0, 1, 0, 2, 0, 0, 0, 0]).toString("base64")];
  for (const ciphertext of ciphertexts) {
    expect(await emitAck(socket, "sendDM", { toId: receiver.id, encrypted: true, ciphertext }), ciphertext).toMatchObject({
      code: "VALIDATION_ERROR",
    });
  }
  expect(errors.every((error) => error.code !== "INTERNAL_ERROR")).toBe(true);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();

  const receiverSocket = await connect(server, receiver.token);
  const received = collect(receiverSocket, "newDM");
  const message = await emitAck(socket, "sendDM", { toId: receiver.id, content: "after the storm" });
  expect(message.content).toBe("after the storm");
  await eventually(() => expect(received).toEqual([message]));
  socket.close();
  receiverSocket.close();
});
