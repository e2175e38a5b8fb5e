// toPointBlocks: features that lie side by side in one buffer (a cached, packed vector column)
// become blocks that are views of it; anything else is copied; either way every block holds
// exactly the rows' features and labels, in order.
import { describe, expect, it } from "vitest";
import { DenseVector } from "./linalg";
import { BLOCK_ROWS, toPointBlocks, type PointBlock } from "./kernels";
import { cacheBatches, cachedRows } from "../sql/execution/columnar/cached-batches";

const d = 3;
function check(rows: unknown[][], blocks: PointBlock[]): void {
  expect(blocks.reduce((a, b) => a + b.n, 0)).toBe(rows.length);
  let r = 0;
  for (const b of blocks) {
    expect(b.x.length).toBe(b.n * d);
    for (let i = 0; i < b.n; i++, r++) {
      expect(Array.from(b.x.subarray(i * d, i * d + d))).toEqual(Array.from((rows[r]![0] as DenseVector).values));
      expect(b.y[i]).toBe(rows[r]![1]);
    }
  }
}

describe("toPointBlocks", () => {
  const n = BLOCK_ROWS * 2 + 100;
  const packed = Float64Array.from({ length: n * d }, (_, i) => i * 0.5);
  const views = Array.from({ length: n }, (_, i) => [new DenseVector(packed.subarray(i * d, i * d + d)), i % 2]);

  it("consecutive views become view blocks of the same buffer (no copy)", () => {
    const blocks = [...toPointBlocks("LR", "f", "l", views)];
    check(views, blocks);
    expect(blocks.map((b) => b.n)).toEqual([BLOCK_ROWS, BLOCK_ROWS, 100]);
    for (const b of blocks) expect(b.x.buffer).toBe(packed.buffer);
  });

  it("separate arrays, and runs broken early or late, are copied or split correctly", () => {
    const own = Array.from({ length: 500 }, (_, i) => [new DenseVector([i, i + 1, i + 2]), i % 3]);
    const copied = [...toPointBlocks("LR", "f", "l", own)];
    check(own, copied);
    expect(copied[0]!.x.buffer).not.toBe((own[0]![0] as DenseVector).values.buffer);
    // a short view run then separate arrays: the block switches to a copy; a long run then a gap: two view blocks
    const early = [...views.slice(0, 10), ...own.slice(0, 50)];
    check(early, [...toPointBlocks("LR", "f", "l", early)]);
    const late = [...views.slice(0, BLOCK_ROWS / 2), ...views.slice(BLOCK_ROWS, BLOCK_ROWS + 300)];
    const lateBlocks = [...toPointBlocks("LR", "f", "l", late)];
    check(late, lateBlocks);
    expect(lateBlocks.map((b) => b.n)).toEqual([BLOCK_ROWS / 2, 300]);
    for (const b of lateBlocks) expect(b.x.buffer).toBe(packed.buffer);
  });
});

describe("a cached vector column (the 'vector' column packer)", () => {
  it("packs equal-size dense vectors (nulls kept) and reads them back as consecutive views; sparse or mixed sizes stay plain", () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i % 10 === 0 ? null : new DenseVector([i, -i, i / 2]), i % 7 === 0 ? new DenseVector([1]) : new DenseVector([i, i])]);
    const [batch] = [...cacheBatches([false, false], rows, ["vector", "vector"])];
    expect(batch!.columns.map((c) => c.kind)).toEqual(["packed", "any"]);
    const back = [...cachedRows([batch!])];
    expect(back.map((r) => (r[0] === null ? null : Array.from((r[0] as DenseVector).values)))).toEqual(rows.map((r) => (r[0] === null ? null : Array.from((r[0] as DenseVector).values))));
    const live = back.filter((r) => r[0] !== null).map((r) => (r[0] as DenseVector).values);
    for (const v of live) expect(v.buffer).toBe(live[0]!.buffer);
    expect(back.map((r) => Array.from((r[1] as DenseVector).values))).toEqual(rows.map((r) => Array.from((r[1] as DenseVector).values)));
  });
});

