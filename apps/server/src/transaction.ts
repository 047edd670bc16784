import { setTimeout as sleep } from "node:timers/promises";
import { type Db, isTransientConflict, Prisma } from "@hestia/db";
import { AppError } from "./errors";

export type Tx = Prisma.TransactionClient;

const MAX_ATTEMPTS = 3;

/**
 * Runs `work` in one interactive transaction that is never rolled back on purpose: `work` returns a
 * refusal (an AppError) instead of throwing it, and the refusal is thrown once the transaction has
 * committed. On SQLite every request shares one connection, so a rollback would also undo what other
 * requests wrote while the transaction was open. Deadlocks and lock time-outs (MariaDB) are retried.
 */
export async function transact<T>(db: Db, work: (tx: Tx) => Promise<T | AppError>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await db.$transaction(work);
      if (result instanceof AppError) throw result;
      return result;
    } catch (error) {
      if (!isTransientConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      await sleep(Math.random() * 20 * attempt);
    }
  }
}

/** A column of each lockable table that an UPDATE can set to itself without side effects (not a key). */
const lockColumn = { User: "tokenVersion", Device: "name" } as const;

/**
 * Takes the write lock of one row for the rest of the transaction (an UPDATE that changes nothing),
 * so that count-then-insert checks of concurrent requests about the same owner run one after the other.
 */
export async function lockRow(tx: Tx, table: keyof typeof lockColumn, id: number): Promise<void> {
  const column = Prisma.raw(`\`${lockColumn[table]}\``);
  await tx.$executeRaw`UPDATE ${Prisma.raw(`\`${table}\``)} SET ${column} = ${column} WHERE \`id\` = ${id}`;
}
