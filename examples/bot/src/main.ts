import { parseArgs } from "node:util";
import { HestiaError } from "@hestia/sdk";
import { startBot } from "./bot";

// Usage: pnpm --filter @hestia/example-bot start -- --url http://localhost:4000 --user echo_bot --password bot-password
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === "--" ? args.slice(1) : args,
  options: {
    url: { type: "string", default: "http://localhost:4000" },
    user: { type: "string", default: "echo_bot" },
    password: { type: "string", default: "bot-password" },
    poll: { type: "string", default: "3000" },
  },
});

const pollMs = Number(values.poll);
if (!(pollMs >= 100)) {
  console.error(`error: --poll takes milliseconds (at least 100), not "${values.poll}"`);
  process.exit(2);
}
const log = (line: string) => console.log(`[${new Date().toISOString()}] ${line}`);
try {
  const bot = await startBot({ url: values.url, username: values.user, password: values.password, pollMs, log });
  log(`${bot.user.username} (#${bot.user.id}) is listening; send it a friend request, then a direct message. Ctrl+C stops it.`);
  const shutdown = () => void bot.stop().then(() => log("stopped"));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  const unreachable = error instanceof HestiaError && error.code === "NETWORK_ERROR";
  console.error(unreachable ? `error: cannot reach ${values.url} (${reason}); is the server running?` : `error: ${reason}`);
  process.exitCode = 1;
}
