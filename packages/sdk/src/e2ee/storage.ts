/**
 * Where a device keeps its end-to-end encryption state: its keys, the private halves of its key packages
 * and each conversation's MLS group. Values are strings; each `set` must be durable once it resolves
 * (the SDK saves a conversation's state before it delivers or sends the message that changed it).
 * Use one storage per device: two SDK instances sharing one would fork their groups.
 */
export interface E2eeStorage {
  get(key: string): Promise<string | undefined> | string | undefined;
  set(key: string, value: string): Promise<void> | void;
  delete(key: string): Promise<void> | void;
}

/** Keeps the state in memory: lost with the process (tests, or short-lived devices). */
export function memoryStorage(): E2eeStorage & { readonly entries: ReadonlyMap<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: (key) => entries.get(key),
    set: (key, value) => void entries.set(key, value),
    delete: (key) => void entries.delete(key),
  };
}
