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

/** True for failures that succeed when simply retried: MariaDB deadlocks and lock-wait time-outs, SQLite busy. */
export function isTransientConflict(error: unknown): boolean {
  const code = driverCause(error)?.originalCode ?? (error as { code?: unknown } | null)?.code;
  return code === "1213" || code === "1205" || code === "SQLITE_BUSY" || code === "P2034";
}
