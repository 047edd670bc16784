import { createDeployment, type Deployment, type ServerProcess, startServerProcess } from "@hestia/server/testing";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { createClient, type Message, type RealtimeEvents } from "../src/index";
import { makeFriends, signUp } from "./setup";

let deployment: Deployment;
const processes: ServerProcess[] = [];
beforeAll(() => {
  deployment = createDeployment();
});
afterAll(async () => {
  await Promise.all(processes.map((process) => process.kill("SIGKILL")));
  await deployment.drop();
});

async function start(port = 0): Promise<ServerProcess> {
  const process = await startServerProcess(deployment, port);
  processes.push(process);
  return process;
}

it("a server killed and restarted mid-conversation: nothing lost, nothing repeated, order kept", async () => {
  const first = await start();
  const server = { url: first.url };
  const [alice, bob] = await Promise.all([signUp(server, "alice"), signUp(server, "bob")]);
  await makeFriends(alice, bob);
  const group = await alice.client.groups.create({ name: "Restarts" });
  await alice.client.groups.addMember(group.id, bob.id);

  // Bob listens live.
  const live = bob.client;
  const dms: Message[] = [];
  const groupMessages: Message[] = [];
  const caughtUp: RealtimeEvents["caughtUp"][] = [];
  const disconnects: RealtimeEvents["disconnected"][] = [];
  live.realtime.on("newDM", (message) => dms.push(message));
  live.realtime.on("newGroupMessage", (message) => groupMessages.push(message));
  live.realtime.on("caughtUp", (event) => caughtUp.push(event));
  live.realtime.on("disconnected", (event) => disconnects.push(event));
  await live.realtime.connect();
  await live.realtime.joinGroup(group.id);

  const sendBoth = async (from: number, to: number) => {
    for (let i = from; i <= to; i += 1) {
      await alice.client.dms.send(bob.id, { content: `dm ${i}` });
      await alice.client.groups.sendMessage(group.id, { content: `group ${i}` });
    }
  };
  await sendBoth(1, 5);
  await vi.waitFor(() => expect(dms.length + groupMessages.length).toBe(10), { timeout: 10_000 });

  // Crash: no goodbye to the sockets.
  await first.kill("SIGKILL");
  await vi.waitFor(() => expect(disconnects).toEqual([{ reason: "transport close", willReconnect: true }]), { timeout: 10_000 });

  // Messages written while bob has no connection: through another process on the same database, on another port.
  const other = await start();
  const elsewhere = createClient({ baseUrl: other.url, token: alice.client.token });
  for (let i = 6; i <= 10; i += 1) {
    await elsewhere.dms.send(bob.id, { content: `dm ${i}` });
    await elsewhere.groups.sendMessage(group.id, { content: `group ${i}` });
  }
  await other.kill("SIGTERM");

  // The server comes back where bob expects it; bob reconnects on his own and catches up.
  const restarted = await start(first.port);
  await vi.waitFor(() => expect(caughtUp).toEqual([{ messages: 10 }]), { timeout: 20_000 });
  expect(restarted.port).toBe(first.port);

  // And the conversation goes on live. The last pair is a barrier: anything repeated from before would
  // have been delivered ahead of it in its conversation.
  await sendBoth(11, 16);
  await vi.waitFor(
    () => {
      expect(dms.at(-1)?.content).toBe("dm 16");
      expect(groupMessages.at(-1)?.content).toBe("group 16");
    },
    { timeout: 10_000 },
  );

  const expected = (prefix: string) => Array.from({ length: 16 }, (_, i) => `${prefix} ${i + 1}`);
  expect(dms.map((message) => message.content)).toEqual(expected("dm"));
  expect(dms.map((message) => message.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  expect(groupMessages.map((message) => message.content)).toEqual(expected("group"));
  expect(groupMessages.map((message) => message.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  live.realtime.disconnect();
}, 90_000);
