import { parseArgs } from "node:util";
import { HestiaError } from "@hestia/sdk";
import { runChat } from "./chat";

// Usage: pnpm --filter @hestia/example-chat start -- --url http://localhost:4000 --user alice --password secret123
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === "--" ? args.slice(1) : args,
  options: {
    url: { type: "string", default: "http://localhost:4000" },
    user: { type: "string", default: "alice" },
    password: { type: "string", default: "secret123" },
  },
});

try {
  await runChat({
    url: values.url,
    username: values.user,
    password: values.password,
    input: process.stdin,
    output: (line) => console.log(line),
  });
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  const unreachable = error instanceof HestiaError && error.code === "NETWORK_ERROR";
  console.error(unreachable ? `error: cannot reach ${values.url} (${reason}); is the server running?` : `error: ${reason}`);
  process.exitCode = 1;
}
