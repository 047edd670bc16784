export { createDb, type Db, type DbOptions } from "./client";
export { type DatabaseTarget, DEFAULT_SQLITE_FILE, parseDatabaseUrl } from "./database-url";
export { isDatabaseUnavailable, isForeignKeyViolation, isTransientConflict, isUniqueViolation } from "./errors";
export type { Conversation, FriendRequest, Friendship, Membership, Message, PushToken, User } from "./generated/sqlite/client";
export { Prisma } from "./generated/sqlite/client";
export {
  isDriverForeignKeyViolation,
  isDriverUniqueViolation,
  isoTimestamp,
  type LeanDb,
  type LeanOptions,
  type MariaDbConnection,
  type MariaDbLean,
  openLean,
  type RunResult,
  type SqliteLean,
  type SqlValue,
  sqliteTimestamp,
} from "./lean";
export { type MigrationResult, migrate } from "./migrate";
