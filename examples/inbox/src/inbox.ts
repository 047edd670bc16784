import { signIn } from "@hestia/example-hello";
import { type ConversationSummary, createClient, type HestiaClient } from "@hestia/sdk";

export interface InboxOptions {
  url: string;
  username: string;
  password: string;
  /** How many conversations to show (the most recently active). */
  limit?: number;
  /** Where each rendering of the inbox goes (default: the console). */
  print?: (lines: string[]) => void;
}

export interface Inbox {
  client: HestiaClient;
  /** The inbox as it was last printed. */
  lines(): string[];
  stop(): void;
}

/** What a conversation is called: the other user, or the group's name. */
function titleOf(summary: ConversationSummary): string {
  return summary.kind === "GROUP" ? `# ${summary.group?.name ?? summary.id}` : `@ ${summary.peer?.username ?? "(deleted account)"}`;
}

function preview(summary: ConversationSummary): string {
  const last = summary.lastMessage;
  if (!last) return "(no messages yet)";
  const text = last.encrypted ? "(encrypted)" : (last.content ?? "(deleted)");
  return `${last.username}: ${text.length > 40 ? `${text.slice(0, 39)}…` : text}`;
}

/** The inbox as text: the unread total, then one line per conversation with its own counts. */
export function render(client: HestiaClient, conversations: ConversationSummary[], typing: Map<number, number>): string[] {
  const { unread } = client.conversations;
  const lines = [`Inbox: ${unread.total} unread, ${unread.mentions} mentioning you`];
  for (const summary of conversations) {
    const counts = unread.of(summary.id) ?? summary;
    const badge = counts.unreadCount ? `(${counts.unreadCount}${counts.mentionCount ? `, @${counts.mentionCount}` : ""})` : "";
    const muted = summary.muted ? " [muted]" : "";
    const typist = typing.get(summary.id) ? " …typing" : "";
    lines.push(`${titleOf(summary).padEnd(24)} ${badge.padEnd(8)} ${preview(summary)}${muted}${typist}`);
  }
  return lines;
}

/**
 * Signs in, connects, prints the inbox, and prints it again whenever an unread count changes, a
 * conversation gets a message, or someone starts or stops typing.
 */
export async function startInbox(options: InboxOptions): Promise<Inbox> {
  const client = createClient({ baseUrl: options.url });
  await signIn(client, options.username, options.password);
  await client.realtime.connect();
  const print = options.print ?? ((lines: string[]) => console.log(`\n${lines.join("\n")}`));
  const page = await client.conversations.watch(options.limit ?? 20);
  let conversations = page.items;
  const typing = new Map<number, number>();
  let lines: string[] = [];
  const show = () => {
    lines = render(client, conversations, typing);
    print(lines);
  };
  // A message moves its conversation to the top; one not listed yet is read from the server.
  const moved = async (conversationId: number) => {
    const summary = await client.conversations.get(conversationId);
    conversations = [summary, ...conversations.filter((item) => item.id !== conversationId)].slice(0, options.limit ?? 20);
    show();
  };
  const stops = [
    client.conversations.unread.subscribe(() => show()),
    client.realtime.on("newDM", (message) => void moved(message.conversationId).catch(() => undefined)),
    client.realtime.on("newGroupMessage", (message) => void moved(message.conversationId).catch(() => undefined)),
    client.conversations.on("typing", ({ conversationId, userIds }) => {
      typing.set(conversationId, userIds.length);
      show();
    }),
  ];
  show();
  return {
    client,
    lines: () => lines,
    stop() {
      for (const stop of stops) stop();
      client.realtime.disconnect();
    },
  };
}
