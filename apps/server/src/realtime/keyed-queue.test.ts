import { describe, expect, it } from "vitest";
import { createKeyedQueue } from "./keyed-queue";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("createKeyedQueue", () => {
  it("runs one key's tasks in order, even when earlier ones are slower", async () => {
    const enqueue = createKeyedQueue<string>();
    const order: number[] = [];
    await Promise.all([
      enqueue("a", async () => {
        await tick(20);
        order.push(1);
      }),
      enqueue("a", async () => {
        order.push(2);
      }),
    ]);
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
    await Promise.all([
      enqueue("slow", async () => {
        await tick(20);
        order.push("slow");
      }),
      enqueue("fast", async () => {
        order.push("fast");
      }),
    ]);
    expect(order).toEqual(["fast", "slow"]);
  });
});
