import { describe, expect, it } from "vitest";
import { createGroupCommit, type Settled } from "./group-commit";

/** A writer that records each batch and answers each item with itself doubled, or fails those it is told to. */
function recorder(fails: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  const write = async (items: number[]): Promise<Settled<number>[]> => {
    batches.push(items);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return items.map((item) => (fails(item) ? { error: new Error(`item ${item} refused`) } : { value: item * 2 }));
  };
  return { batches, write };
}

describe("group commit", () => {
  it("writes the items pushed in one turn of the event loop as one batch, and answers each", async () => {
    const { batches, write } = recorder();
    const commits = createGroupCommit(write);
    const answers = await Promise.all([1, 2, 3].map((item) => commits.push(item)));
    expect(answers).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("gathers what arrives while a batch is written into the next one, in push order", async () => {
    const { batches, write } = recorder();
    const commits = createGroupCommit(write);
    const first = commits.push(1);
    await new Promise((resolve) => setImmediate(resolve));
    // The first batch is being written now.
    const later = [2, 3, 4].map((item) => commits.push(item));
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("caps a batch at maxBatch items", async () => {
    const { batches, write } = recorder();
    const commits = createGroupCommit(write, { maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((item) => commits.push(item)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("fails only the item that failed", async () => {
    const { write } = recorder((item) => item === 2);
    const commits = createGroupCommit(write);
    const results = await Promise.allSettled([1, 2, 3].map((item) => commits.push(item)));
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("item 2 refused");
  });

  it("fails every item of a batch whose write threw, and goes on with the next batch", async () => {
    let calls = 0;
    const commits = createGroupCommit<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error("database down");
      return items.map((item) => ({ value: item }));
    });
    const failed = await Promise.allSettled([commits.push(1), commits.push(2)]);
    expect(failed.every((result) => result.status === "rejected")).toBe(true);
    expect(await commits.push(3)).toBe(3);
  });

  it("tells the size of each batch, and drains", async () => {
    const sizes: number[] = [];
    const { write } = recorder();
    const commits = createGroupCommit(write, { onBatch: (size) => sizes.push(size) });
    const pending = [1, 2].map((item) => commits.push(item));
    await commits.drain();
    await Promise.all(pending);
    expect(sizes).toEqual([2]);
  });
});
