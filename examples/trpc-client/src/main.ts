import { parseArgs } from "node:util";
import { TRPCClientError } from "@trpc/client";
import { demo } from "./demo";

// Usage: pnpm --filter @hestia/example-trpc-client start -- --url http://localhost:4000 --user trpc_demo --password trpc-password
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === "--" ? args.slice(1) : args,
  options: {
    url: { type: "string", default: "http://localhost:4000" },
    user: { type: "string", default: "trpc_demo" },
    password: { type: "string", default: "trpc-password" },
  },
});

try {
  await demo(values.url, values.user, values.password, (line) => console.log(line));
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  const unreachable = error instanceof TRPCClientError && error.data === undefined;
  console.error(unreachable ? `error: cannot reach ${values.url} (${reason}); is the server running?` : `error: ${reason}`);
  process.exitCode = 1;
}
