import { describe, expect, it } from "vitest";
import { createKeyedQueue } from "./keyed-queue";

/** A promise the test resolves when it chooses. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Lets every task that is not waiting on a gate run to its end (all pending promise callbacks run first). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("createKeyedQueue", () => {
  it("runs one key's tasks in order, even when earlier ones are slower", async () => {
    const enqueue = createKeyedQueue<string>();
    const order: number[] = [];
    const first = gate();
    const done = Promise.all([
      enqueue("a", async () => {
        await first.opened;
        order.push(1);
      }),
      enqueue("a", async () => {
        order.push(2);
      }),
    ]);
    await settle();
    // The second task waits for the first, which waits for its gate.
    expect(order).toEqual([]);
    first.open();
    await done;
    expect(order).toEqual([1, 2]);
  });

  it("keeps going after a failing task, whose caller sees the failure", async () => {
    const enqueue = createKeyedQueue<number>();
    const ran: string[] = [];
    const failed = enqueue(1, async () => {
      throw new Error("boom");
    });
    const next = enqueue(1, async () => {
      ran.push("next");
    });
    await expect(failed).rejects.toThrow("boom");
    await next;
    expect(ran).toEqual(["next"]);
  });

  it("does not make different keys wait for each other", async () => {
    const enqueue = createKeyedQueue<string>();
    const order: string[] = [];
    const slow = gate();
    const slowDone = enqueue("slow", async () => {
      await slow.opened;
      order.push("slow");
    });
    // Finishes while the other key's task is still held.
    await enqueue("fast", async () => {
      order.push("fast");
    });
    expect(order).toEqual(["fast"]);
    slow.open();
    await slowDone;
    expect(order).toEqual(["fast", "slow"]);
  });

  it("starts a key's next task at once when the queue for it went idle", async () => {
    const enqueue = createKeyedQueue<string>();
    await enqueue("a", async () => {});
    await settle();
    let ran = false;
    await enqueue("a", async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });
});
