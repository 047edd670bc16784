import { signIn } from "@hestia/example-hello";
import { createClient, type Profile } from "@hestia/sdk";

export interface BotOptions {
  /** Where the server is, e.g. `http://localhost:4000`. */
  url: string;
  username: string;
  password: string;
  /** How often pending friend requests are checked and accepted (default 3 s). */
  pollMs?: number;
  /** Where the bot reports what it does (default: nowhere). */
  log?: (line: string) => void;
  /** The clock `/time` reads (default: the system's). */
  now?: () => Date;
}

export interface Bot {
  user: Profile;
  /** Stops polling, waits for replies being sent, and closes the connection. */
  stop(): Promise<void>;
}

export const HELP = "I answer direct messages. /help: this text. /time: the current time (UTC). Anything else: I say it back.";

/** The bot's answer to a message. */
export function answer(text: string, now: Date = new Date()): string {
  switch (text.trim().toLowerCase()) {
    case "/help":
      return HELP;
    case "/time":
      return `It is ${now.toISOString()}.`;
    default:
      return `You said: ${text}`;
  }
}

/**
 * Starts a bot: it accepts every friend request (at start, then every `pollMs`, since the server
 * sends no event for requests) and answers each direct message it receives.
 */
export async function startBot({
  url,
  username,
  password,
  pollMs = 3000,
  log = () => {},
  now = () => new Date(),
}: BotOptions): Promise<Bot> {
  const client = createClient({ baseUrl: url });
  await signIn(client, username, password);
  const user = await client.users.me();
  const pending = new Set<Promise<void>>();
  /** Runs a task in the background; stop() waits for it, failures are logged. */
  const track = (task: () => Promise<void>) => {
    const running = task()
      .catch((error: unknown) => log(`error: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => pending.delete(running));
    pending.add(running);
  };

  let polling: Promise<void> | undefined;
  const acceptRequests = () => {
    // One check at a time: a slow server must not pile them up.
    polling ??= (async () => {
      for (const request of await client.friends.requests()) {
        await client.friends.accept(request.id);
        log(`accepted a friend request from ${request.username}`);
      }
    })().finally(() => (polling = undefined));
    return polling;
  };

  const offMessage = client.realtime.on("dmNotification", (message) => {
    if (message.content === null) return;
    const text = message.content;
    track(async () => {
      await client.realtime.sendDM({ toId: message.senderId, content: answer(text, now()) });
      log(`answered ${message.senderUsername}: ${text}`);
    });
  });
  const offError = client.realtime.on("error", (error) => log(`error: ${error.message}`));

  await acceptRequests();
  await client.realtime.connect();
  const timer = setInterval(() => track(acceptRequests), pollMs);

  return {
    user,
    async stop() {
      clearInterval(timer);
      offMessage();
      await Promise.all(pending);
      offError();
      client.realtime.disconnect();
    },
  };
}
