/** Runs work one at a time per key, in call order. */
export type KeyedLock<K> = <T>(key: K, work: () => Promise<T>) => Promise<T>;

/**
 * Runs work one at a time per key, in call order; a failure does not block the next. Keys whose work
 * is done are forgotten.
 */
export function createKeyedLock<K>(): KeyedLock<K> {
  // Each tail has its failure swallowed, so it always fulfils: the next work runs after it either way.
  const tails = new Map<K, Promise<unknown>>();
  return function withLock<T>(key: K, work: () => Promise<T>): Promise<T> {
    const next = (tails.get(key) ?? Promise.resolve()).then(work);
    const settled = next.catch(() => undefined);
    tails.set(key, settled);
    void settled.then(() => {
      if (tails.get(key) === settled) tails.delete(key);
    });
    return next;
  };
}
