import { describe, expect, it } from "vitest";

import { groupCommit } from "./group-commit";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("groupCommit", () => {
  it("sends a lone item at once, items issued together in one batch, and those that arrive during a flush in the next", async () => {
    const batches: number[][] = [];
    const write = groupCommit(async (items: number[]) => {
      batches.push(items);
      await tick();
      return items.map((n) => n * 10);
    });
    expect(await write(1)).toBe(10);
    await tick(); // idle again
    expect(await Promise.all([write(2), write(3)])).toEqual([20, 30]);
    await tick();
    const first = write(4);
    await new Promise((resolve) => setTimeout(resolve, 1)); // its flush is in flight
    const results = await Promise.all([first, write(5), write(6)]);
    expect(results).toEqual([40, 50, 60]);
    expect(batches).toEqual([[1], [2, 3], [4], [5, 6]]);
  });

  it("respects the batch size", async () => {
    const sizes: number[] = [];
    const write = groupCommit(
      async (items: number[]) => {
        sizes.push(items.length);
        await tick();
        return items;
      },
      { maxBatch: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map(write));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it("retries a failed batch item by item, so only the bad item fails", async () => {
    const write = groupCommit(async (items: number[]) => {
      await tick();
      if (items.includes(13)) throw new Error("unlucky");
      return items;
    });
    const first = write(1);
    const rest = [write(12), write(13), write(14)].map((p) => p.then((v) => ({ ok: v }), (e: Error) => ({ error: e.message })));
    expect(await first).toBe(1);
    expect(await Promise.all(rest)).toEqual([{ ok: 12 }, { error: "unlucky" }, { ok: 14 }]);
    // And it keeps working afterwards.
    expect(await write(2)).toBe(2);
  });
});
