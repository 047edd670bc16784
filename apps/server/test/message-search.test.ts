import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, groupWith, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const groupOf = (owner: TestUser, members: TestUser[]) => groupWith(server, owner, members, "Search");
const post = (user: TestUser, groupId: number, content: string) =>
  api(server, "POST", `/groups/${groupId}/messages`, { token: user.token, body: { content } });
const search = async (user: TestUser, query: string) => {
  const answer = await api(server, "GET", `/search/messages?${query}`, { token: user.token });
  expect(answer.status).toBe(200);
  return answer.body as { items: any[]; nextCursor: string | null };
};

describe("message search", () => {
  it("finds words in your conversations, best match first, pages, and follows edits and deletions", async () => {
    const word = `zebra${Date.now().toString(36)}`;
    const owner = await registerUser(server, "owner");
    const ann = await registerUser(server, "ann");
    const groupId = await groupOf(owner, [ann]);
    const weak = (await post(owner, groupId, `a long note that mentions ${word} once among many other unrelated words here`)).body;
    const strong = (await post(ann, groupId, `${word} ${word} ${word}`)).body;
    const other = (await post(owner, groupId, `nothing to see`)).body;
    const bob = await registerUser(server, "bob");
    await befriend(server, owner, bob);
    const dm = (
      await api(server, "POST", `/messages/direct/${bob.id}`, { token: owner.token, body: { content: `DM about ${word.toUpperCase()}` } })
    ).body;

    const found = await search(ann, `q=${word}`);
    expect(found.items.map((m) => m.id)).toEqual([strong.id, weak.id]);
    expect(found.items[0]).toMatchObject({ groupId, content: strong.content, username: ann.username });
    // Case does not matter; the owner also sees their DM; a prefix of a word matches, a substring inside one does not.
    expect((await search(owner, `q=${word.toUpperCase()}`)).items.map((m) => m.id).sort()).toEqual([weak.id, strong.id, dm.id].sort());
    expect((await search(owner, `q=${word.slice(0, 8)}`)).items.length).toBe(3);
    expect((await search(owner, `q=${word.slice(2)}`)).items).toEqual([]);
    expect((await search(owner, `q=${word}&conversationId=${groupId}`)).items.map((m) => m.id).sort()).toEqual([weak.id, strong.id].sort());
    const page1 = await search(owner, `q=${word}&limit=2`);
    expect(page1.items).toHaveLength(2);
    const page2 = await search(owner, `q=${word}&limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    expect(new Set([...page1.items, ...page2.items].map((m) => m.id)).size).toBe(3);

    // Edits are reflected; deleted messages are never found.
    await api(server, "PATCH", `/messages/${other.id}`, { token: owner.token, body: { content: `now about ${word}` } });
    await api(server, "PATCH", `/messages/${strong.id}`, { token: ann.token, body: { content: "changed my mind" } });
    expect((await search(ann, `q=${word}`)).items.map((m) => m.id).sort()).toEqual([weak.id, other.id].sort());
    expect((await search(ann, `q=changed mind`)).items.map((m) => m.id)).toEqual([strong.id]);
    await api(server, "DELETE", `/messages/${weak.id}`, { token: owner.token });
    expect((await search(ann, `q=${word}`)).items.map((m) => m.id)).toEqual([other.id]);

    // Someone else's conversation: nothing, and 404 when named.
    const stranger = await registerUser(server, "stranger");
    expect((await search(stranger, `q=${word}`)).items).toEqual([]);
    expect((await api(server, "GET", `/search/messages?q=${word}&conversationId=${groupId}`, { token: stranger.token })).status).toBe(404);
    // Removed from the group: its messages are no longer found.
    expect((await api(server, "DELETE", `/groups/${groupId}/members/${ann.id}`, { token: owner.token })).status).toBeLessThan(300);
    expect((await search(ann, `q=${word}`)).items).toEqual([]);
  });

  it("refuses bad queries and treats operators as plain words", async () => {
    const user = await registerUser(server, "user");
    for (const query of ["q=a", `q=${"x".repeat(201)}`, "", "q=ok&limit=0", "q=ok&cursor=abc", "q=ok&conversationId=01"]) {
      const answer = await api(server, "GET", `/search/messages?${query}`, { token: user.token });
      expect([query, answer.status]).toEqual([query, 400]);
    }
    for (const q of ['"unbalanced', "NEAR(a b)", "a* OR -b", "+++", "col:umn", "é'"]) {
      expect((await api(server, "GET", `/search/messages?q=${encodeURIComponent(q)}`, { token: user.token })).status).toBe(200);
    }
  });
});
