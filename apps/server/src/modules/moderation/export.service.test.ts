import { describe, expect, it } from "vitest";
import { EXPORT_PAGE_SIZE, jsonArray } from "./export.service";

async function text(chunks: AsyncGenerator<string>): Promise<{ text: string; chunks: number }> {
  let all = "";
  let count = 0;
  for await (const chunk of chunks) {
    all += chunk;
    count++;
  }
  return { text: all, chunks: count };
}

describe("jsonArray", () => {
  /** A source of `total` rows with ids 1..total, read a page at a time; records where each read started. */
  function source(total: number) {
    const reads: number[] = [];
    const read = async (afterId: number) => {
      reads.push(afterId);
      const first = afterId + 1;
      const last = Math.min(total, afterId + EXPORT_PAGE_SIZE);
      return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => ({ id: first + i }));
    };
    return { read, reads };
  }

  it("streams every row once, in order, as valid JSON, reading page after page from the last id", async () => {
    const total = EXPORT_PAGE_SIZE * 2 + 3;
    const { read, reads } = source(total);
    const { text: json, chunks } = await text(jsonArray(read));
    expect(JSON.parse(json)).toEqual(Array.from({ length: total }, (_, i) => ({ id: i + 1 })));
    expect(reads).toEqual([0, EXPORT_PAGE_SIZE, EXPORT_PAGE_SIZE * 2]);
    // "[", one chunk per page, "]": never the whole list at once.
    expect(chunks).toBe(5);
  });

  it("stops after a full last page with one more (empty) read, and writes [] for nothing", async () => {
    const full = source(EXPORT_PAGE_SIZE);
    expect(JSON.parse((await text(jsonArray(full.read))).text)).toHaveLength(EXPORT_PAGE_SIZE);
    expect(full.reads).toEqual([0, EXPORT_PAGE_SIZE]);
    expect((await text(jsonArray(source(0).read))).text).toBe("[]");
  });
});
