import { createClient } from "@hestia/sdk";
import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { startInbox } from "./inbox";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

it("prints the inbox and keeps its unread counts live", async () => {
  const friend = createClient({ baseUrl: server.url });
  const { user: friendUser } = await friend.auth.register({ username: "inbox_friend", password: "friend-password" });
  const printed: string[][] = [];
  const inbox = await startInbox({
    url: server.url,
    username: "inbox_owner",
    password: "owner-password",
    print: (lines) => printed.push(lines),
  });
  try {
    const me = await inbox.client.users.me();
    await friend.friends.request(me.id);
    await inbox.client.friends.accept(friendUser.id);
    expect(inbox.lines()).toEqual(["Inbox: 0 unread, 0 mentioning you"]);

    await friend.dms.send(me.id, { content: "are you there?" });
    await friend.dms.send(me.id, { content: "@inbox_owner hello", mentions: [me.id] });
    await vi.waitFor(() =>
      expect(inbox.lines()).toEqual([
        "Inbox: 2 unread, 1 mentioning you",
        expect.stringMatching(/^@ inbox_friend\s+\(2, @1\)\s+inbox_friend: @inbox_owner hello$/),
      ]),
    );

    const [conversation] = (await inbox.client.conversations.list()).items;
    await inbox.client.conversations.markRead(conversation!.id, conversation!.lastSeq);
    await vi.waitFor(() => expect(inbox.lines()[0]).toBe("Inbox: 0 unread, 0 mentioning you"));
    expect(printed.length).toBeGreaterThan(2);
  } finally {
    inbox.stop();
  }
});
