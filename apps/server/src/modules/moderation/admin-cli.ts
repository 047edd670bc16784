// `npm run admin -- grant <username>`, `revoke <username>`, `list`: the only way to make server admins.
// Reads DATABASE_URL (and DATA_DIR) from the environment or a .env file, like the server does.
import { ConfigError, loadConfig } from "../../config";
import { loadServerEnvFile } from "../../env-file";

const USAGE = "usage: npm run admin -- grant <username> | revoke <username> | list";

async function run(args: string[]): Promise<number> {
  const [command, username, ...extra] = args;
  const valid = command === "list" ? username === undefined : (command === "grant" || command === "revoke") && username !== undefined;
  if (!valid || extra.length) {
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
  const { listServerAdmins, setServerAdmin } = await import("./admin-grants");
  const target = parseDatabaseUrl(config.databaseUrl, config.dataDir);
  await migrate(target);
  const lean = openLean(target);
  try {
    if (command === "list") {
      const admins = await listServerAdmins(lean);
      console.log(admins.length ? admins.map((admin) => `${admin.username} (id ${admin.id})`).join("\n") : "no server admins");
      return 0;
    }
    const admin = command === "grant";
    const result = await setServerAdmin(lean, username ?? "", admin);
    if (result.status === "unknown-user") {
      console.error(`no user named "${username}"`);
      return 1;
    }
    const who = `${result.user.username} (id ${result.user.id})`;
    const changed = result.status === "changed";
    if (admin) console.log(changed ? `${who} is now a server admin` : `${who} was already a server admin`);
    else console.log(changed ? `${who} is no longer a server admin` : `${who} was not a server admin`);
    return 0;
  } finally {
    await lean.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("admin command failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
