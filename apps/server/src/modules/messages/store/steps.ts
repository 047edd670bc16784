import { type LeanDb, type SqliteLean, type SqlValue, sqliteTimestamp } from "@hestia/db";
import { createGroupCommit, type GroupCommit, type Settled } from "../group-commit";

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

/** Runs the statements `work` yields, synchronously, on SQLite. */
function runSqliteSteps<R>(lean: SqliteLean, work: () => Steps<R>): R {
  const steps = work();
  let next = steps.next();
  while (!next.done) {
    const { kind, sql, params } = next.value;
    const statement = lean.statement(sql);
    const values = params.map(sqliteParam);
    next = steps.next(kind === "all" ? statement.all(...values) : statement.run(...values).changes);
  }
  return next.value;
}

/** One queued transaction inside a batch, in a savepoint of its own: a `Rollback` or an error undoes it alone. */
function settleInSavepoint(lean: SqliteLean, work: () => Steps<unknown>): Settled<unknown> {
  lean.statement("SAVEPOINT `steps`").run();
  try {
    const value = runSqliteSteps(lean, work);
    lean.statement("RELEASE `steps`").run();
    return { value };
  } catch (error) {
    lean.statement("ROLLBACK TO `steps`").run();
    lean.statement("RELEASE `steps`").run();
    return error instanceof Rollback ? { value: error.value } : { error };
  }
}

type Work = () => Steps<unknown>;
const sqliteCommits = new WeakMap<SqliteLean, GroupCommit<Work, unknown>>();

/**
 * SQLite's transactions of this module, group-committed like appends: those queued during one turn of the
 * event loop commit together (one commit, one fsync), each in a savepoint of its own.
 */
function commitsOf(lean: SqliteLean): GroupCommit<Work, unknown> {
  let commits = sqliteCommits.get(lean);
  if (!commits) {
    commits = createGroupCommit<Work, unknown>((works) => lean.transaction(() => works.map((work) => settleInSavepoint(lean, work))));
    sqliteCommits.set(lean, commits);
  }
  return commits;
}

/** Resolves when the transactions queued so far have been written (before the database closes). */
export function drainTransactions(lean: LeanDb): Promise<void> {
  return lean.flavour === "sqlite" ? (sqliteCommits.get(lean)?.drain() ?? Promise.resolve()) : Promise.resolve();
}

/**
 * Runs the statements `work` yields in one transaction: on SQLite synchronously (nothing else runs in
 * between), committed together with the others of the same event-loop turn; on MariaDB on one connection.
 * A `Rollback` thrown inside undoes it and answers its value.
 */
export async function transact<R>(lean: LeanDb, work: () => Steps<R>): Promise<R> {
  if (lean.flavour === "sqlite") return (await commitsOf(lean).push(work)) as R;
  try {
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
