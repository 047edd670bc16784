import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { signIn } from "@hestia/example-hello";
import { createClient, type Message } from "@hestia/sdk";

export interface ChatOptions {
  /** Where the server is, e.g. `http://localhost:4000`. */
  url: string;
  username: string;
  password: string;
  /** Where commands come from, one per line: `process.stdin`, or any stream. */
  input: Readable;
  /** Prints one line. */
  output: (line: string) => void;
}

interface Command {
  /** The arguments, for `/help` and usage errors; each `<...>` is required. */
  args: string;
  help: string;
  /** `arg` is the first word after the command, `text` everything after it. */
  run(arg: string, text: string): Promise<void>;
}

/**
 * A line-based chat client: signs in, prints friends and groups, then runs one command per input line
 * while printing incoming direct and group messages as they arrive. Resolves after `/quit` or when the
 * input ends; the realtime connection is closed by then.
 */
export async function runChat({ url, username, password, input, output }: ChatOptions): Promise<void> {
  const client = createClient({ baseUrl: url });
  const { user: me } = await signIn(client, username, password);
  const { realtime } = client;
  const groupNames = new Map<number, string>();
  const joined = new Set<number>();

  const groupLabel = (groupId: number | undefined) => {
    const name = groupId === undefined ? undefined : groupNames.get(groupId);
    return `[#${groupId}${name ? ` ${name}` : ""}]`;
  };
  /** The conversation of each message shown, by id: where `/reply` sends. */
  const conversationOf = new Map<number, { groupId: number } | { peerId: number }>();
  const deletedHere = new Set<number>();
  const text = (message: Message) => (message.deletedAt ? "(deleted)" : (message.content ?? "(encrypted)"));
  const tags = (message: Message) =>
    [
      `#${message.id}`,
      message.replyTo ? `reply to #${message.replyTo.id}` : "",
      message.editedAt ? "edited" : "",
      ...(message.reactions ?? []).map((reaction) => `${reaction.emoji} ${reaction.count}`),
    ]
      .filter(Boolean)
      .join(", ");
  const show = (label: string, message: Message) => {
    const peerId = message.userId === me.id ? message.recipientId : message.userId;
    if (message.groupId !== undefined) conversationOf.set(message.id, { groupId: message.groupId });
    else if (peerId !== undefined) conversationOf.set(message.id, { peerId });
    output(`${label} ${message.username}: ${text(message)}  (${tags(message)})`);
  };
  const messageId = (arg: string) => {
    const id = Number(arg.replace(/^#/, ""));
    if (!Number.isInteger(id) || id <= 0) throw new Error(`"${arg}" is not a message number (the #N after a message)`);
    return id;
  };
  const userNamed = (name: string) => client.users.byUsername(name);
  const groupId = (arg: string) => {
    const id = Number(arg.replace(/^#/, ""));
    if (!Number.isInteger(id) || id <= 0) throw new Error(`"${arg}" is not a group id (see /groups)`);
    return id;
  };

  /** Reads the group list, remembers the names, and joins the groups not joined yet. */
  const refreshGroups = async () => {
    const groups = await client.groups.list();
    for (const group of groups) {
      groupNames.set(group.id, group.name);
      if (!joined.has(group.id)) {
        await realtime.joinGroup(group.id);
        joined.add(group.id);
      }
    }
    return groups;
  };

  const commands: Record<string, Command> = {
    help: {
      args: "",
      help: "show this list",
      run: async () => {
        for (const [name, command] of Object.entries(commands)) output(`/${`${name} ${command.args}`.padEnd(24)} ${command.help}`);
        output(`/${"quit".padEnd(24)} leave`);
      },
    },
    friends: {
      args: "",
      help: "list your friends",
      run: async () => {
        const friends = await client.friends.list();
        if (friends.length === 0) return output("No friends yet: /add <username> sends a friend request.");
        output(`Friends: ${friends.map((friend) => `${friend.username} (${friend.status})`).join(", ")}`);
      },
    },
    groups: {
      args: "",
      help: "list your groups (and follow new ones)",
      run: async () => {
        const groups = await refreshGroups();
        if (groups.length === 0) return output("No groups yet.");
        for (const group of groups) output(`${groupLabel(group.id)} ${group.memberCount} members, you are ${group.role.toLowerCase()}`);
      },
    },
    dm: {
      args: "<username> <text>",
      help: "send a direct message to a friend",
      run: async (name, text) => {
        const friend = await userNamed(name);
        const sent = await realtime.sendDM({ toId: friend.id, content: text });
        show(`[dm to ${friend.username}]`, sent);
      },
    },
    open: {
      args: "<username>",
      help: "show the last 20 direct messages with someone",
      run: async (name) => {
        const other = await userNamed(name);
        const messages = await client.dms.history(other.id, { limit: 20 });
        output(`--- direct messages with ${other.username} (${messages.length}) ---`);
        for (const message of messages) show(" ", message);
      },
    },
    group: {
      args: "<groupId> <text>",
      help: "send a message to a group",
      run: async (arg, text) => {
        const sent = await realtime.sendGroupMessage({ groupId: groupId(arg), content: text });
        show(groupLabel(sent.groupId), sent);
      },
    },
    history: {
      args: "<groupId>",
      help: "show the last 20 messages of a group",
      run: async (arg) => {
        const id = groupId(arg);
        const messages = await client.groups.messages(id, { limit: 20 });
        output(`--- ${groupLabel(id)} (${messages.length}) ---`);
        for (const message of messages) show(" ", message);
      },
    },
    reply: {
      args: "<N> <text>",
      help: "reply to message #N",
      run: async (arg, text) => {
        const replyToId = messageId(arg);
        const where = conversationOf.get(replyToId);
        if (!where) throw new Error(`message #${replyToId} is not one shown here (see /open or /history)`);
        if ("groupId" in where) {
          const sent = await realtime.sendGroupMessage({ groupId: where.groupId, content: text, replyToId });
          show(groupLabel(where.groupId), sent);
        } else {
          const sent = await realtime.sendDM({ toId: where.peerId, content: text, replyToId });
          show("[dm]", sent);
        }
      },
    },
    edit: {
      args: "<N> <text>",
      help: "change the text of your message #N",
      run: async (arg, text) => {
        const edited = await client.messages.edit(messageId(arg), text);
        show("[edited]", edited);
      },
    },
    delete: {
      args: "<N>",
      help: "delete message #N for everyone",
      run: async (arg) => {
        const id = messageId(arg);
        deletedHere.add(id);
        await client.messages.delete(id).catch((error: unknown) => {
          deletedHere.delete(id);
          throw error;
        });
        output(`Deleted #${id}.`);
      },
    },
    react: {
      args: "<N> <emoji>",
      help: "react to message #N (again to take it back: /unreact)",
      run: async (arg, emoji) => {
        const { reactions } = await client.messages.react(messageId(arg), emoji);
        output(`#${messageId(arg)}: ${reactions.map((reaction) => `${reaction.emoji} ${reaction.count}`).join("  ")}`);
      },
    },
    unreact: {
      args: "<N> <emoji>",
      help: "take back your reaction to message #N",
      run: async (arg, emoji) => {
        const { reactions } = await client.messages.unreact(messageId(arg), emoji);
        output(`#${messageId(arg)}: ${reactions.map((reaction) => `${reaction.emoji} ${reaction.count}`).join("  ") || "no reactions"}`);
      },
    },
    add: {
      args: "<username>",
      help: "send a friend request",
      run: async (name) => {
        const other = await userNamed(name);
        await client.friends.request(other.id);
        output(`Friend request sent to ${other.username}.`);
      },
    },
    requests: {
      args: "",
      help: "list friend requests sent to you",
      run: async () => {
        const requests = await client.friends.requests();
        if (requests.length === 0) return output("No pending friend requests.");
        output(`Friend requests from: ${requests.map((request) => request.username).join(", ")} (accept with /accept <username>)`);
      },
    },
    accept: {
      args: "<username>",
      help: "accept someone's friend request",
      run: async (name) => {
        const other = await userNamed(name);
        await client.friends.accept(other.id);
        output(`You and ${other.username} are friends now.`);
      },
    },
  };

  const handle = async (line: string) => {
    if (!line.startsWith("/")) return output('Commands start with "/": try /help.');
    const [, name = "", arg = "", text = ""] = /^\/(\S*)\s*(\S*)\s*(.*)$/.exec(line) ?? [];
    const command = commands[name];
    if (!command) return output(`Unknown command "/${name}": try /help.`);
    const required = command.args.split("<").length - 1;
    if ([arg, text].filter(Boolean).length < required) return output(`Usage: /${name} ${command.args}`);
    try {
      await command.run(arg, text);
    } catch (error) {
      output(`error: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const unsubscribe = [
    realtime.on("dmNotification", (message) => show("[dm]", message)),
    realtime.on("newGroupMessage", (message) => {
      if (message.userId !== me.id) show(groupLabel(message.groupId), message);
    }),
    realtime.on("messageUpdated", ({ message }) => {
      if (message.userId !== me.id) show("[edited]", message);
    }),
    realtime.on("messageDeleted", ({ messageId: id }) => {
      if (!deletedHere.delete(id)) output(`#${id} was deleted.`);
    }),
    realtime.on("reaction", ({ messageId: id, emoji, userId, added }) => {
      if (userId === me.id) return;
      const name = client.users.byId(userId).then(
        (user) => user.username,
        () => `user #${userId}`,
      );
      void name.then((username) => output(`#${id}: ${username} ${added ? "reacted" : "took back"} ${emoji}`));
    }),
    realtime.on("error", (error) => output(`error: ${error.message}`)),
    realtime.on("disconnected", ({ willReconnect }) => {
      if (willReconnect) output("Connection lost, reconnecting ...");
    }),
    realtime.on("connected", ({ reconnected }) => {
      if (reconnected) output("Reconnected.");
    }),
  ];
  try {
    await realtime.connect();
    output(`Signed in as ${me.username} (#${me.id}). Type /help for the commands.`);
    await handle("/friends");
    await handle("/groups");
    const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
    for await (const line of lines) {
      if (line.trim() === "/quit") break;
      if (line.trim()) await handle(line.trim());
    }
    output("Bye.");
  } finally {
    for (const off of unsubscribe) off();
    realtime.disconnect();
  }
}
