import { PassThrough } from "node:stream";
import { createClient, type HestiaClient } from "@hestia/sdk";
import { eventually, startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChat } from "./chat";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Runs the chat as `username` with a stream for its input, collecting what it prints. */
function startChat(username: string) {
  const input = new PassThrough();
  const lines: string[] = [];
  const done = runChat({ url: server.url, username, password: "alice-password", input, output: (line) => lines.push(line) });
  /** Waits until a line printed after `from` contains `text`. */
  const expectLine = (text: string, from = 0) => eventually(() => expect(lines.slice(from)).toContainEqual(expect.stringContaining(text)));
  return {
    lines,
    done,
    input,
    expectLine,
    /** Types a command and waits for a line containing `expected`; returns the lines printed since. */
    async type(command: string, expected: string) {
      const from = lines.length;
      input.write(`${command}\n`);
      await expectLine(expected, from);
      return lines.slice(from);
    },
  };
}

describe("the terminal chat", () => {
  let bob: HestiaClient;

  beforeAll(async () => {
    bob = createClient({ baseUrl: server.url });
    await bob.auth.register({ username: "bob", password: "bob-password" });
  });

  it("befriends, sends and receives direct and group messages live, survives errors, and quits", async () => {
    const chat = startChat("alice");
    await chat.expectLine("Signed in as alice");
    await chat.expectLine("No friends yet");
    const aliceId = (await bob.users.byUsername("alice")).id;

    await chat.type("/add bob", "Friend request sent to bob.");
    expect((await bob.friends.requests()).map((request) => request.username)).toEqual(["alice"]);
    await bob.friends.accept(aliceId);
    await chat.type("/friends", "Friends: bob");

    // Bob's message shows up while the chat waits for input.
    await bob.dms.send(aliceId, { content: "hi alice" });
    await chat.expectLine("[dm] bob: hi alice");

    await chat.type("/dm bob hello bob", "[dm to bob] alice: hello bob");
    expect((await bob.dms.history(aliceId)).map((message) => message.content)).toEqual(["hi alice", "hello bob"]);

    const opened = await chat.type("/open bob", "alice: hello bob");
    const [hi, hello] = await bob.dms.history(aliceId);
    expect(opened).toEqual([
      "--- direct messages with bob (2) ---",
      `  bob: hi alice  (#${hi!.id})`,
      `  alice: hello bob  (#${hello!.id})`,
    ]);

    // A group alice is added to after starting: /groups follows it.
    const group = await bob.groups.create({ name: "Book club" });
    const groupId = group.id;
    await bob.groups.addMember(groupId, aliceId);
    await chat.type("/groups", `[#${groupId} Book club] 2 members, you are member`);
    await bob.groups.sendMessage(groupId, { content: "welcome" });
    await chat.expectLine(`[#${groupId} Book club] bob: welcome`);
    await chat.type(`/group ${groupId} thanks!`, `[#${groupId} Book club] alice: thanks!`);
    expect((await bob.groups.messages(groupId)).map((message) => message.content)).toEqual(["welcome", "thanks!"]);
    const history = await chat.type(`/history ${groupId}`, "alice: thanks!");
    const [welcome, thanks] = await bob.groups.messages(groupId);
    expect(history).toEqual([
      `--- [#${groupId} Book club] (2) ---`,
      `  bob: welcome  (#${welcome!.id})`,
      `  alice: thanks!  (#${thanks!.id})`,
    ]);

    // Mistakes print a line and the chat goes on.
    await chat.type("/dm nobody hi", "error:");
    await chat.type("/frobnicate", 'Unknown command "/frobnicate"');
    await chat.type("/dm bob", "Usage: /dm <username> <text>");
    await chat.type("/history soon", "error:");
    await chat.type("hello?", 'Commands start with "/"');
    await chat.type("/help", "/requests");

    await eventually(async () => expect((await bob.users.byId(aliceId)).status).toBe("active"));
    chat.input.write("/quit\n");
    await chat.done;
    expect(chat.lines.at(-1)).toBe("Bye.");
    // The realtime connection is closed: alice is offline again.
    await eventually(async () => expect((await bob.users.byId(aliceId)).status).toBe("offline"));
  });

  it("logs in again, follows its groups from the start, and ends with its input", async () => {
    // An account that exists already, friends with bob and a member of his group.
    const ada = createClient({ baseUrl: server.url });
    const adaId = (await ada.auth.register({ username: "ada", password: "alice-password" })).user.id;
    await ada.friends.request((await ada.users.byUsername("bob")).id);
    await bob.friends.accept(adaId);
    const groupId = (await bob.groups.create({ name: "Book club" })).id;
    await bob.groups.addMember(groupId, adaId);

    const chat = startChat("ada");
    await chat.expectLine("Friends: bob");
    await chat.expectLine(`[#${groupId} Book club] 2 members`);
    await bob.groups.sendMessage(groupId, { content: "back again?" });
    await chat.expectLine(`[#${groupId} Book club] bob: back again?`);

    const carol = createClient({ baseUrl: server.url });
    await carol.auth.register({ username: "carol", password: "carol-password" });
    await carol.friends.request(adaId);
    await chat.type("/requests", "Friend requests from: carol");
    await chat.type("/accept carol", "You and carol are friends now.");
    expect((await carol.friends.list()).map((friend) => friend.username)).toEqual(["ada"]);

    chat.input.end();
    await chat.done;
  });

  it("replies to, edits, deletes and reacts to messages by their number", async () => {
    const chat = startChat("erin");
    await chat.expectLine("Signed in as erin");
    const erinId = (await bob.users.byUsername("erin")).id;
    await bob.friends.request(erinId);
    await chat.type("/accept bob", "You and bob are friends now.");
    const question = await bob.dms.send(erinId, { content: "lunch?" });
    await chat.expectLine(`[dm] bob: lunch?  (#${question.id})`);

    const replied = await chat.type(`/reply ${question.id} yes please`, "erin: yes please");
    const reply = (await bob.dms.history(erinId)).at(-1)!;
    expect(reply).toMatchObject({ content: "yes please", replyTo: { id: question.id } });
    expect(replied).toEqual([`[dm] erin: yes please  (#${reply.id}, reply to #${question.id})`]);

    await chat.type(`/edit ${reply.id} yes, at noon`, `[edited] erin: yes, at noon  (#${reply.id}, reply to #${question.id}, edited)`);
    await chat.type(`/react ${question.id} 👍`, `#${question.id}: 👍 1`);
    await chat.type(`/unreact ${question.id} 👍`, `#${question.id}: no reactions`);
    await bob.messages.react(reply.id, "🎉");
    await chat.expectLine(`#${reply.id}: bob reacted 🎉`);
    await bob.messages.edit(question.id, "lunch at noon?");
    await chat.expectLine(`[edited] bob: lunch at noon?  (#${question.id}, edited)`);
    await bob.messages.delete(question.id);
    await chat.expectLine(`#${question.id} was deleted.`);
    await chat.type(`/delete ${reply.id}`, `Deleted #${reply.id}.`);
    expect((await bob.dms.history(erinId)).map((message) => [message.id, message.deletedAt ? "deleted" : message.content])).toEqual([
      [question.id, "deleted"],
      [reply.id, "deleted"],
    ]);

    // Mistakes print a line and the chat goes on.
    await chat.type("/reply 999999 hello", "is not one shown here");
    await chat.type("/edit soon hello", "is not a message number");
    await chat.type(`/react ${reply.id} nope`, "error:");
    chat.input.end();
    await chat.done;
  });

  it("fails to start with a wrong password", async () => {
    const input = new PassThrough();
    const run = runChat({ url: server.url, username: "bob", password: "not-bobs-password", input, output: () => {} });
    await expect(run).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
  });
});
