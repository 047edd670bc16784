import { describe, expect, it } from "vitest";
import { createCache } from "./cache";

describe("cache", () => {
  it("answers from the cache until the key is deleted", async () => {
    const cache = createCache<number>();
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get("a", load)).toBe(1);
    expect(await cache.get("a", load)).toBe(1);
    cache.delete("a");
    expect(await cache.get("a", load)).toBe(2);
  });

  it("does not keep a value whose load overlapped a deletion", async () => {
    const cache = createCache<string>();
    let release: (value: string) => void = () => {};
    const slow = cache.get("k", () => new Promise<string>((resolve) => (release = resolve)));
    cache.delete("k");
    release("stale");
    expect(await slow).toBe("stale");
    expect(await cache.get("k", async () => "fresh")).toBe("fresh");
  });

  it("loads every time while it is not trusted", async () => {
    let trusted = false;
    const cache = createCache<number>({ trusted: () => trusted });
    let loads = 0;
    await cache.get("a", async () => ++loads);
    await cache.get("a", async () => ++loads);
    expect(loads).toBe(2);
    trusted = true;
    await cache.get("a", async () => ++loads);
    await cache.get("a", async () => ++loads);
    expect(loads).toBe(3);
  });

  it("keeps only what `keep` accepts, at most `max` entries, for at most `ttlMs`", async () => {
    const cache = createCache<number | null>({ keep: (value) => value !== null, max: 2, ttlMs: 60_000 });
    await cache.get("missing", async () => null);
    expect(cache.size).toBe(0);
    for (const key of ["a", "b", "c"]) await cache.get(key, async () => 1);
    expect(cache.size).toBe(2);
    const expiring = createCache<number>({ ttlMs: -1 });
    let loads = 0;
    await expiring.get("a", async () => ++loads);
    await expiring.get("a", async () => ++loads);
    expect(loads).toBe(2);
  });

  it("deletes by predicate and clears", async () => {
    const cache = createCache<number>();
    for (const key of ["1:2", "1:3", "4:5"]) await cache.get(key, async () => 1);
    cache.deleteWhere((key) => key.startsWith("1:"));
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
