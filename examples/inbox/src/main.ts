import { parseArgs } from "node:util";
import { HestiaError } from "@hestia/sdk";
import { startInbox } from "./inbox";

// Usage: npm run example:inbox -- --url http://localhost:4000 --user alice --password secret123
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === "--" ? args.slice(1) : args,
  options: {
    url: { type: "string", default: "http://localhost:4000" },
    user: { type: "string", default: "inbox_demo" },
    password: { type: "string", default: "inbox-password" },
    limit: { type: "string", default: "20" },
  },
});

const limit = Number(values.limit);
if (!(limit >= 1 && limit <= 100)) {
  console.error(`error: --limit takes 1 to 100 conversations, not "${values.limit}"`);
  process.exit(2);
}
try {
  const inbox = await startInbox({ url: values.url, username: values.user, password: values.password, limit });
  console.log("(live: the inbox is printed again on every change; Ctrl+C stops)");
  const shutdown = () => inbox.stop();
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  const unreachable = error instanceof HestiaError && error.code === "NETWORK_ERROR";
  console.error(unreachable ? `error: cannot reach ${values.url} (${reason}); is the server running?` : `error: ${reason}`);
  process.exitCode = 1;
}
