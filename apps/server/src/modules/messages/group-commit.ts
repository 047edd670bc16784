/** The result of one item of a batch: its value, or why that item alone failed. */
export type Settled<T> = { value: T } | { error: unknown };

export interface GroupCommitOptions {
  /** Most items written by one call of `write` (default 500). */
  maxBatch?: number;
  /** Told the size of every batch written (metrics). */
  onBatch?: (size: number) => void;
}

export interface GroupCommit<I, O> {
  /**
   * Queues one item; resolves once the batch holding it has been written. `onQueued` is called as soon as
   * the item holds its place in the order of writes (before the write).
   */
  push(item: I, onQueued?: () => void): Promise<O>;
  /** Resolves when everything queued so far has been written. */
  drain(): Promise<void>;
}

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items pushed during one turn of the event loop are written together by one call of
 * `write` (one transaction), and each caller is answered only after that call returned. One batch is
 * written at a time, so items are written in the order they were pushed; items pushed while a batch is
 * being written form the next one.
 *
 * `write` answers each item on its own (a failure of one item fails that item only); when `write`
 * itself throws, every item of the batch fails with that error.
 */
export function createGroupCommit<I, O>(write: (items: I[]) => Promise<Settled<O>[]>, options: GroupCommitOptions = {}): GroupCommit<I, O> {
  const maxBatch = options.maxBatch ?? 500;
  let queue: Pending<I, O>[] = [];
  /** The batches being written, while they are. */
  let running: Promise<void> | undefined;
  let scheduled = false;
  const busy = () => scheduled || running !== undefined;

  const writeOne = async (batch: Pending<I, O>[]) => {
    options.onBatch?.(batch.length);
    let results: Settled<O>[];
    try {
      results = await write(batch.map((pending) => pending.item));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const [index, pending] of batch.entries()) {
      const result = results[index];
      if (!result) pending.reject(new Error("the batch writer gave no result for an item"));
      else if ("value" in result) pending.resolve(result.value);
      else pending.reject(result.error);
    }
  };

  const run = async () => {
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    await writeOne(batch);
    running = undefined;
    // The next batch waits for the next turn of the event loop even when this write never waited for I/O
    // (SQLite is synchronous): answers of this batch may queue new items, and I/O must get its turn.
    if (queue.length) schedule();
  };

  const schedule = () => {
    if (busy()) return;
    scheduled = true;
    // Everything pushed until the event loop's next check phase joins this batch.
    setImmediate(() => {
      scheduled = false;
      running ??= run();
    });
  };

  return {
    push(item, onQueued) {
      const written = new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
      onQueued?.();
      return written;
    },
    async drain() {
      while (queue.length > 0 || busy()) {
        await (running ?? new Promise((resolve) => setImmediate(resolve)));
      }
    },
  };
}
