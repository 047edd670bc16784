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
