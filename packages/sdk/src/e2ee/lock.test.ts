import { describe, expect, it } from "vitest";
import { createKeyedLock } from "./lock";

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe("keyed lock", () => {
  it("runs work of one key in call order, and of other keys alongside", async () => {
    const withLock = createKeyedLock<string>();
    const log: string[] = [];
    const job = (key: string, name: string) =>
      withLock(key, async () => {
        log.push(`${name} start`);
        await tick();
        log.push(`${name} end`);
        return name;
      });
    const results = await Promise.all([job("a", "a1"), job("a", "a2"), job("b", "b1")]);
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("a1 end")).toBeLessThan(log.indexOf("a2 start"));
    expect(log.indexOf("b1 start")).toBeLessThan(log.indexOf("a1 end"));
  });

  it("passes a failure to its caller only, and runs the next work after it", async () => {
    const withLock = createKeyedLock<number>();
    const failing = withLock(1, async () => {
      await tick();
      throw new Error("boom");
    });
    const next = withLock(1, async () => "ran");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
  });
});
