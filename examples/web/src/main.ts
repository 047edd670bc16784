// A small web chat app on @hestia/sdk: sign in or register, find people and befriend them, an inbox with
// live unread counts, a conversation with its history, live messages, typing, read marks and sending.
import { type ConversationSummary, createClient, type HestiaClient, HestiaError, type Message, type Profile } from "@hestia/sdk";

/** The Hestia server: `?server=` on the page's address, else a local one. */
const serverUrl = new URLSearchParams(location.search).get("server") ?? "http://localhost:4000";

const element = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
};
const input = (id: string) => element<HTMLInputElement>(id);

/** One list item holding text (never HTML: what people write is shown as text). */
function item(text: string, className?: string): HTMLLIElement {
  const li = document.createElement("li");
  li.textContent = text;
  if (className) li.className = className;
  return li;
}

function button(label: string, onClick: () => Promise<unknown>): HTMLButtonElement {
  const node = document.createElement("button");
  node.type = "button";
  node.textContent = label;
  node.addEventListener("click", () => void run(onClick));
  return node;
}

/** Runs an action, showing a failure under the conversation instead of throwing it away. */
async function run(action: () => Promise<unknown>): Promise<void> {
  element("error").textContent = "";
  try {
    await action();
  } catch (error) {
    element("error").textContent = error instanceof HestiaError ? `${error.message} (${error.code})` : String(error);
  }
}

/** What is open on the right: a conversation of the inbox, or a direct one with a friend not written to yet. */
interface Open {
  title: string;
  conversationId: number | null;
  peerId?: number;
  groupId?: number;
}

let client: HestiaClient;
let me: { id: number; username: string };
let open: Open | null = null;
let inbox: ConversationSummary[] = [];
let peopleTimer: ReturnType<typeof setInterval> | undefined;

const titleOf = (summary: ConversationSummary) =>
  summary.kind === "GROUP" ? `# ${summary.group?.name}` : `@ ${summary.peer?.username ?? "(deleted)"}`;

const belongsToOpen = (message: Message) =>
  open !== null &&
  (open.conversationId === message.conversationId ||
    (open.conversationId === null && open.peerId !== undefined && [message.userId, message.recipientId].includes(open.peerId)));

function renderInbox(): void {
  const list = element("inbox");
  list.replaceChildren(
    ...inbox.map((summary) => {
      const unread = client.conversations.unread.of(summary.id)?.unreadCount ?? summary.unreadCount;
      const last = summary.lastMessage;
      const preview = last ? `${last.userId === me.id ? "you" : last.username}: ${last.content ?? "(encrypted or deleted)"}` : "";
      const li = item(`${titleOf(summary)} `, open?.conversationId === summary.id ? "open" : undefined);
      li.dataset.conversationId = String(summary.id);
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.dataset.count = String(unread);
      badge.textContent = unread ? String(unread) : "";
      const small = document.createElement("small");
      small.textContent = ` ${preview}`;
      li.append(badge, small);
      li.addEventListener("click", () => void run(() => openSummary(summary)));
      return li;
    }),
  );
  element("total").textContent = String(client.conversations.unread.total);
}

async function refreshInbox(): Promise<void> {
  inbox = (await client.conversations.list({ limit: 50 })).items;
  renderInbox();
}

function showMessage(message: Message): void {
  const text = `${message.userId === me.id ? "you" : message.username}: ${message.content ?? "(encrypted or deleted)"}`;
  const li = item(text, message.userId === me.id ? "mine" : undefined);
  li.dataset.seq = String(message.seq);
  const list = element("messages");
  // Each message once, in seq order (a live message may arrive while its history page is being read).
  if (list.querySelector(`[data-seq="${message.seq}"]`)) return;
  const after = [...list.children].find((node) => Number((node as HTMLElement).dataset.seq) > message.seq);
  list.insertBefore(li, after ?? null);
  li.scrollIntoView({ block: "end" });
}

async function show(next: Open): Promise<void> {
  open = next;
  element("title").textContent = next.title;
  element("messages").replaceChildren();
  element("typing").textContent = "";
  element("composer").hidden = false;
  input("text").focus();
  if (next.conversationId !== null) {
    const history = await client.conversations.messages(next.conversationId, { limit: 50 });
    for (const message of history) showMessage(message);
    const newest = history.at(-1);
    if (newest) await client.conversations.markRead(next.conversationId, newest.seq);
  }
  renderInbox();
}

function openSummary(summary: ConversationSummary): Promise<void> {
  return show({ title: titleOf(summary), conversationId: summary.id, peerId: summary.peer?.id, groupId: summary.group?.id });
}

/** A direct conversation with a friend: the one in the inbox, or a new one that starts with the first message. */
function openWith(friend: Profile): Promise<void> {
  const existing = inbox.find((summary) => summary.peer?.id === friend.id);
  return existing ? openSummary(existing) : show({ title: `@ ${friend.username}`, conversationId: null, peerId: friend.id });
}

async function send(): Promise<void> {
  const text = input("text").value.trim();
  if (!text || !open) return;
  if (open.groupId !== undefined) await client.groups.sendMessage(open.groupId, { content: text });
  else if (open.peerId !== undefined) await client.dms.send(open.peerId, { content: text });
  input("text").value = "";
  if (open.conversationId !== null) client.conversations.stopTyping(open.conversationId);
}

async function onMessage(message: Message): Promise<void> {
  if (belongsToOpen(message) && open) {
    open.conversationId = message.conversationId;
    showMessage(message);
    if (message.userId !== me.id && document.visibilityState === "visible") {
      await client.conversations.markRead(message.conversationId, message.seq);
    }
  }
  await refreshInbox();
}

async function refreshPeople(): Promise<void> {
  const [requests, friends] = await Promise.all([client.friends.requests(), client.friends.list()]);
  element("requests").replaceChildren(
    ...requests.map((request) => {
      const li = item(`${request.username} `);
      li.append(
        button("Accept", async () => {
          await client.friends.accept(request.id);
          await refreshPeople();
        }),
      );
      return li;
    }),
  );
  element("friends").replaceChildren(
    ...friends.map((friend) => {
      const li = item(`${friend.username} `);
      li.append(button("Message", () => openWith(friend)));
      return li;
    }),
  );
}

async function search(): Promise<void> {
  const q = input("search").value.trim();
  if (q.length < 2) return;
  const found = await client.users.search(q, 10);
  element("results").replaceChildren(
    ...found.map((profile) => {
      const li = item(`${profile.username} `);
      li.append(
        button("Add friend", async () => {
          await client.friends.request(profile.id);
          li.replaceChildren(`${profile.username} (request sent)`);
        }),
      );
      return li;
    }),
  );
}

async function enter(register: boolean): Promise<void> {
  const credentials = { username: input("username").value.trim(), password: input("password").value };
  client = createClient({ baseUrl: serverUrl });
  const result = register ? await client.auth.register(credentials) : await client.auth.login(credentials);
  me = result.user;
  element("me").textContent = me.username;
  element("signin").hidden = true;
  element("app").hidden = false;

  client.realtime.on("newDM", (message) => void run(() => onMessage(message)));
  client.realtime.on("newGroupMessage", (message) => void run(() => onMessage(message)));
  client.conversations.unread.subscribe(() => renderInbox());
  client.conversations.on("typing", ({ conversationId, userIds }) => {
    if (open?.conversationId !== conversationId) return;
    element("typing").textContent = userIds.length ? `${userIds.length === 1 ? "someone is" : `${userIds.length} people are`} typing…` : "";
  });
  await client.realtime.connect();
  inbox = (await client.conversations.watch(50)).items;
  renderInbox();
  await refreshPeople();
  // Friend requests have no realtime event: the lists are read again every few seconds.
  peopleTimer = setInterval(() => void run(refreshPeople), 3_000);
}

async function leave(): Promise<void> {
  clearInterval(peopleTimer);
  await client.auth.logout();
  location.reload();
}

element("signin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  enter(false).catch((error: unknown) => {
    element("signin-error").textContent = error instanceof HestiaError ? error.message : String(error);
  });
});
element("register").addEventListener("click", () => {
  if (!element<HTMLFormElement>("signin-form").reportValidity()) return;
  enter(true).catch((error: unknown) => {
    element("signin-error").textContent = error instanceof HestiaError ? error.message : String(error);
  });
});
element("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  void run(search);
});
element("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  void run(send);
});
input("text").addEventListener("input", () => {
  if (open?.conversationId) client.conversations.typing(open.conversationId);
});
element("logout").addEventListener("click", () => void run(leave));
