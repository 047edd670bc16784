import { createClient, type DmNotification, type HestiaClient } from "@hestia/sdk";
import { eventually, startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answer, HELP, startBot } from "./bot";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const bot = { username: "echo_bot", password: "bot-password" };
const clock = () => new Date("2030-01-02T03:04:05.000Z");

async function registered(username: string): Promise<HestiaClient> {
  const client = createClient({ baseUrl: server.url });
  await client.auth.register({ username, password: `${username}-password` });
  return client;
}

it("answers /help, /time and anything else", () => {
  expect(answer("/help")).toBe(HELP);
  expect(answer(" /TIME ", clock())).toBe("It is 2030-01-02T03:04:05.000Z.");
  expect(answer("hello there")).toBe("You said: hello there");
});

describe("the bot", () => {
  it("accepts a friend request while running, answers each direct message, and stops cleanly", async () => {
    const logs: string[] = [];
    const running = await startBot({ url: server.url, ...bot, pollMs: 50, now: clock, log: (line) => logs.push(line) });
    const dora = await registered("dora");
    await dora.friends.request(running.user.id);
    await eventually(async () => expect((await dora.friends.list()).map((friend) => friend.username)).toEqual(["echo_bot"]));
    expect(logs).toContain("accepted a friend request from dora");

    const replies: DmNotification[] = [];
    dora.realtime.on("dmNotification", (message) => replies.push(message));
    await dora.realtime.connect();
    /** Sends a direct message to the bot and waits for the bot's answer. */
    const ask = async (content: string) => {
      const count = replies.length;
      await dora.realtime.sendDM({ toId: running.user.id, content });
      await eventually(() => expect(replies.length).toBeGreaterThan(count));
      return replies[count]?.content;
    };
    expect(await ask("hello bot")).toBe("You said: hello bot");
    expect(await ask("/time")).toBe("It is 2030-01-02T03:04:05.000Z.");
    expect(await ask("/help")).toBe(HELP);
    expect(replies.every((reply) => reply.senderId === running.user.id)).toBe(true);
    expect((await dora.dms.history(running.user.id)).map((message) => message.content)).toEqual([
      "hello bot",
      "You said: hello bot",
      "/time",
      "It is 2030-01-02T03:04:05.000Z.",
      "/help",
      HELP,
    ]);

    await running.stop();
    await eventually(async () => expect((await dora.users.byId(running.user.id)).status).toBe("offline"));
    // The bot answers only what reaches its socket. The server holds none of its sockets before the DM is
    // sent, nor once it was delivered: nothing can answer it.
    const botSockets = () => server.app.io.in(`user:${running.user.id}`).fetchSockets();
    expect(await botSockets()).toEqual([]);
    await dora.realtime.sendDM({ toId: running.user.id, content: "still there?" });
    expect(await botSockets()).toEqual([]);
    expect(replies).toHaveLength(3);
    expect(logs.filter((line) => line.startsWith("answered"))).toHaveLength(3);
    dora.realtime.disconnect();
  });

  it("accepts the requests that arrived while it was away as soon as it starts", async () => {
    // The bot's account exists, but the bot is not running.
    const away = await registered("away_bot");
    const erin = await registered("erin");
    await erin.friends.request((await away.users.me()).id);
    const running = await startBot({ url: server.url, username: "away_bot", password: "away_bot-password", pollMs: 60_000 });
    expect((await erin.friends.list()).map((friend) => friend.username)).toEqual(["away_bot"]);
    await running.stop();
  });

  it("refuses to start with the wrong password", async () => {
    await registered("locked_bot");
    await expect(startBot({ url: server.url, username: "locked_bot", password: "not-the-password" })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
  });
});
