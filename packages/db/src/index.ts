export { createDb, type Db, type DbOptions } from "./client";
export { parseDatabaseUrl, DEFAULT_SQLITE_FILE, type DatabaseTarget } from "./database-url";
export { migrate, type MigrationResult } from "./migrate";
export { isForeignKeyViolation, isUniqueViolation, isTransientConflict } from "./errors";
export { Prisma } from "./generated/sqlite/client";
export type { User, Friendship, FriendRequest, Conversation, Membership, Message, PushToken } from "./generated/sqlite/client";
