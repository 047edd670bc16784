import { type LeanDb, type SqlValue, sqliteTimestamp } from "@hestia/db";

/** One statement of a transaction written once for both databases (see `transact`). */
export type Step = { kind: "all" | "run"; sql: string; params: readonly SqlValue[] };

/** A transaction as a generator of statements: each `yield` runs one and resumes with its rows or its change count. */
export type Steps<R> = Generator<Step, R, unknown>;

export function* all<T>(sql: string, params: readonly SqlValue[] = []): Steps<T[]> {
  return (yield { kind: "all", sql, params }) as T[];
}

/** Runs a statement; answers how many rows it changed. */
export function* run(sql: string, params: readonly SqlValue[] = []): Steps<number> {
  return (yield { kind: "run", sql, params }) as number;
}

/** Thrown inside a transaction to undo it and answer `value`. */
export class Rollback<T> {
  constructor(readonly value: T) {}
}

const sqliteParam = (value: SqlValue) =>
  value instanceof Date ? sqliteTimestamp(value) : typeof value === "boolean" ? Number(value) : value;

/**
 * Runs the statements `work` yields in one transaction: synchronously on SQLite (nothing else runs in
 * between), on one connection on MariaDB. A `Rollback` thrown inside undoes it and answers its value.
 */
export async function transact<R>(lean: LeanDb, work: () => Steps<R>): Promise<R> {
  try {
    if (lean.flavour === "sqlite") {
      return await lean.transaction(() => {
        const steps = work();
        let next = steps.next();
        while (!next.done) {
          const { kind, sql, params } = next.value;
          const statement = lean.statement(sql);
          const values = params.map(sqliteParam);
          next = steps.next(kind === "all" ? statement.all(...values) : statement.run(...values).changes);
        }
        return next.value;
      });
    }
    return await lean.transaction(async (tx) => {
      const steps = work();
      let next = steps.next();
      while (!next.done) {
        const { kind, sql, params } = next.value;
        next = steps.next(kind === "all" ? await tx.all(sql, params) : (await tx.run(sql, params)).changes);
      }
      return next.value;
    });
  } catch (error) {
    if (error instanceof Rollback) return error.value as R;
    throw error;
  }
}

/** Takes the conversation's next changeSeq (locking its row on MariaDB until the transaction ends). */
export function* nextChangeSeq(conversationId: number): Steps<number> {
  yield* run("UPDATE `Conversation` SET `changeSeq` = `changeSeq` + 1 WHERE `id` = ?", [conversationId]);
  const [row] = yield* all<{ changeSeq: number }>("SELECT `changeSeq` FROM `Conversation` WHERE `id` = ?", [conversationId]);
  return row?.changeSeq ?? 0;
}
