/**
 * Runs tasks one after another per key, in the order they were queued; different keys run
 * concurrently. A failing task does not stop the ones queued after it. Idle keys are forgotten.
 */
export function createKeyedQueue<K>(): (key: K, task: () => Promise<void>) => Promise<void> {
  const tails = new Map<K, Promise<void>>();
  return (key, task) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => {});
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
