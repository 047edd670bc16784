interface DriverCause {
  kind?: string;
  originalCode?: string;
}

function driverCause(error: unknown): DriverCause | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: DriverCause } } } | null)?.meta;
  return meta?.driverAdapterError?.cause;
}

/**
 * True when a Prisma error is a unique-constraint violation, on either flavour: P2002 from model
 * queries, or a raw query (P2010) that the driver adapter reports as one.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ((error as { code?: unknown }).code === "P2002") return true;
  return driverCause(error)?.kind === "UniqueConstraintViolation";
}

/** True when a Prisma error is a foreign-key violation (the row referred to was deleted meanwhile). */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ((error as { code?: unknown }).code === "P2003") return true;
  return driverCause(error)?.kind === "ForeignKeyConstraintViolation";
}

/**
 * MariaDB errors that concurrent writers to one table get and that succeed when simply retried:
 * deadlock (1213), lock-wait time-out (1205), snapshot conflict (1020), and "failed to read
 * auto-increment value from storage engine" (1467), which concurrent INSERT ... SELECT statements on
 * one table were seen to get under load.
 */
const TRANSIENT_CODES = new Set(["1213", "1205", "1020", "1467", "SQLITE_BUSY", "P2034"]);

/** True for failures that succeed when simply retried (see TRANSIENT_CODES), and SQLite busy. */
export function isTransientConflict(error: unknown): boolean {
  const cause = driverCause(error);
  const code = cause?.originalCode ?? (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
  // A raw query's failure (P2010) carries the database's code in its message only.
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" && /Code: `(1213|1205|1020|1467)`/.test(message);
}

/** Prisma's codes for a database it could not reach, a connection it lost, or a pool with none free. */
const UNREACHABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1011", "P1017", "P2024", "P2037"]);
/**
 * The drivers' codes for the same: MariaDB's lost or refused connections (server gone 2006, lost during
 * a query 2013, killed 1927, too many 1040, shutting down 1053) and the mariadb package's pool and
 * socket failures; SQLite still locked after its busy timeout.
 */
const UNREACHABLE_DRIVER_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ER_GET_CONNECTION_TIMEOUT",
  "ER_CONNECTION_ALREADY_CLOSED",
  "ER_SOCKET_UNEXPECTED_CLOSE",
  "ER_CMD_CONNECTION_CLOSED",
  "ER_POOL_ALREADY_CLOSED",
  "ER_CONNECTION_KILLED",
  "ER_SERVER_SHUTDOWN",
  "ER_CON_COUNT_ERROR",
  "SQLITE_BUSY",
]);
/** How Prisma's driver adapters describe the same. */
const UNREACHABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNREACHABLE_ERRNOS = new Set([1040, 1053, 1927, 2002, 2006, 2013, 45009, 45012, 45028]);

/**
 * True when a failure says the database is away for the moment (a lost or refused connection, an
 * exhausted pool, a locked SQLite file), not that the query was wrong: retrying later may work.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const { code, errno, name, cause, fatal } = current as {
      code?: unknown;
      errno?: unknown;
      name?: unknown;
      cause?: unknown;
      fatal?: unknown;
    };
    if (typeof code === "string" && (UNREACHABLE_PRISMA_CODES.has(code) || UNREACHABLE_DRIVER_CODES.has(code))) return true;
    if (typeof errno === "number" && UNREACHABLE_ERRNOS.has(errno)) return true;
    if (name === "PrismaClientInitializationError") return true;
    // The mariadb package marks errors after which the connection is unusable as fatal.
    if (fatal === true && name === "SqlError") return true;
    const adapterCause = driverCause(current);
    if (adapterCause?.originalCode && UNREACHABLE_DRIVER_CODES.has(adapterCause.originalCode)) return true;
    if (adapterCause?.kind && UNREACHABLE_ADAPTER_KINDS.has(adapterCause.kind)) return true;
    current = cause;
  }
  return false;
}
