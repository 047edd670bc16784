export { createApp, type App, type CreateAppOptions } from "./app";
export { loadConfig, ConfigError, type Config } from "./config";
export type { AppRouter } from "./trpc/app-router";
export { createTokenService, type TokenService } from "./modules/auth/tokens";
