export { type App, type CreateAppOptions, createApp } from "./app";
export { type Config, ConfigError, loadConfig } from "./config";
export { createTokenService, type TokenService } from "./modules/auth/tokens";
export { createMessageStore, type MessageStore } from "./modules/messages/store/message-store";
export type { AppRouter } from "./trpc/app-router";
