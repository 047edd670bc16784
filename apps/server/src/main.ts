import { createApp } from "./app";
import { type Config, ConfigError, loadConfig } from "./config";
import { loadServerEnvFile } from "./env-file";
import { createLogger } from "./logger";

/** The configuration, or the process ends listing every bad variable. */
function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const envFile = loadServerEnvFile();
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  if (envFile) logger.info({ file: envFile }, "loaded environment file");
  if (config.jwt.generated) {
    logger.warn("JWT_SECRET is not set: using a random secret for this run (tokens stop working on restart)");
  }
  const app = await createApp({ config, logger });
  const address = await app.listen();
  logger.info(
    { database: config.databaseUrl?.replace(/\/\/[^@]*@/, "//***@") ?? `file:${config.dataDir}/hestia.db` },
    `Hestia listening on http://${address.address === "0.0.0.0" ? "localhost" : address.address}:${address.port} (API reference at /docs)`,
  );

  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
