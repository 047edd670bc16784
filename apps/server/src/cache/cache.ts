export interface Cache<V> {
  /** The cached value of `key`, or what `load` answers (kept unless the cache changed meanwhile). */
  get(key: string, load: () => Promise<V>): Promise<V>;
  delete(key: string): void;
  /** Drops every entry whose key matches. */
  deleteWhere(matches: (key: string) => boolean): void;
  clear(): void;
  readonly size: number;
}

export interface CacheOptions<V> {
  /** Entries kept at most; the oldest go first (default 100,000). */
  max?: number;
  /** How long an entry is kept: a bound on staleness should an invalidation ever be lost (default 60 s). */
  ttlMs?: number;
  /** Whether entries may be used now (see InvalidationBus.trusted); when not, every get loads. */
  trusted?: () => boolean;
  /** Whether a loaded value is kept (default: all are). */
  keep?: (value: V) => boolean;
}

/**
 * A bounded in-process cache for answers that changes invalidate. A load that overlaps a deletion is
 * answered but not kept, so a value read before a change never outlives it.
 */
export function createCache<V>(options: CacheOptions<V> = {}): Cache<V> {
  const max = options.max ?? 100_000;
  const ttlMs = options.ttlMs ?? 60_000;
  const trusted = options.trusted ?? (() => true);
  const entries = new Map<string, { value: V; expires: number }>();
  let generation = 0;
  return {
    async get(key, load) {
      if (!trusted()) return load();
      const hit = entries.get(key);
      if (hit && hit.expires > Date.now()) return hit.value;
      const started = generation;
      const value = await load();
      if (started === generation && trusted() && (options.keep?.(value) ?? true)) {
        if (entries.size >= max) {
          const oldest = entries.keys().next();
          if (!oldest.done) entries.delete(oldest.value);
        }
        entries.set(key, { value, expires: Date.now() + ttlMs });
      }
      return value;
    },
    delete(key) {
      generation += 1;
      entries.delete(key);
    },
    deleteWhere(matches) {
      generation += 1;
      for (const key of entries.keys()) if (matches(key)) entries.delete(key);
    },
    clear() {
      generation += 1;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
