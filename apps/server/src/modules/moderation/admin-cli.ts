// `npm run admin -- grant <username>`, `revoke <username>`, `list`: the only way to make server admins.
// Reads DATABASE_URL (and DATA_DIR) from the environment or a .env file, like the server does.
import type { LeanDb } from "@hestia/db";
import { ConfigError, loadConfig } from "../../config";
import { loadServerEnvFile } from "../../env-file";

const USAGE = "usage: npm run admin -- grant <username> | revoke <username> | list";

/** Runs one command on an open database; answers the exit status. */
async function execute(lean: LeanDb, command: "grant" | "revoke" | "list", username: string): Promise<number> {
  const { listServerAdmins, setServerAdmin } = await import("./admin-grants");
  if (command === "list") {
    const admins = await listServerAdmins(lean);
    console.log(admins.length ? admins.map((admin) => `${admin.username} (id ${admin.id})`).join("\n") : "no server admins");
    return 0;
  }
  const admin = command === "grant";
  const result = await setServerAdmin(lean, username, admin);
  if (result.status === "unknown-user") {
    console.error(`no user named "${username}"`);
    return 1;
  }
  const who = `${result.user.username} (id ${result.user.id})`;
  const changed = result.status === "changed";
  if (admin) console.log(changed ? `${who} is now a server admin` : `${who} was already a server admin`);
  else console.log(changed ? `${who} is no longer a server admin` : `${who} was not a server admin`);
  return 0;
}

async function run(args: string[]): Promise<number> {
  const [command, username = "", ...extra] = args;
  const known = command === "grant" || command === "revoke" || command === "list";
  if (!known || (command === "list") !== (username === "") || extra.length) {
    console.error(USAGE);
    return 2;
  }
  loadServerEnvFile();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 1;
  }
  // Loaded only once there is work to do: the database clients take a while to load.
  const { migrate, openLean, parseDatabaseUrl } = await import("@hestia/db");
  const target = parseDatabaseUrl(config.databaseUrl, config.dataDir);
  await migrate(target);
  const lean = openLean(target);
  const status = await execute(lean, command, username).catch((error: unknown) => {
    console.error("admin command failed:", error instanceof Error ? error.message : error);
    return 1;
  });
  // Set before closing: on SQLite, closing waits for the checkpoint thread, which keeps the process
  // alive for nothing, so the process may end during that wait.
  process.exitCode = status;
  await lean.close();
  return status;
}

run(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error("admin command failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
