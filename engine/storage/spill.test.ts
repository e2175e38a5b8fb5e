import { readdirSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { canonical, compareKeys } from "../common/keys";
import type { Aggregator } from "./aggregator";
import { ExternalAppendOnlyMap } from "./external-append-only-map";
import { ExternalSorter } from "./external-sorter";
import { removeTempDirs, tempDir } from "../../test/fixtures/storage/test-dirs";

afterAll(removeTempDirs);

const list: Aggregator<number, number[]> = {
  createCombiner: (v) => [v], mergeValue: (c, v) => (c.push(v), c), mergeCombiners: (a, b) => a.concat(b),
};

function grouped(m: ExternalAppendOnlyMap<number, number[]>): Array<[string, number[]]> {
  return [...m.entries()].map(([k, c]) => [canonical(k), [...c].sort((a, b) => a - b)] as [string, number[]]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe("ExternalAppendOnlyMap", () => {
  it("with a tiny memory limit gives the same groups as in memory, and spills", () => {
    const dir = tempDir();
    const records = Array.from({ length: 20_000 }, (_, i) => [i % 3 === 0 ? ["g", i % 7] : `key-${(i * 7919) % 1500}`, i] as [unknown, number]);
    const big = new ExternalAppendOnlyMap(list, { dir, memoryLimitBytes: 1 << 30 });
    const tiny = new ExternalAppendOnlyMap(list, { dir, memoryLimitBytes: 4096 });
    for (const [k, v] of records) { big.insert(k, v); tiny.insert(k, v); }
    expect(big.spillBytes).toBe(0);
    expect(tiny.spillBytes).toBeGreaterThan(0);
    expect(tiny.spillCount).toBeGreaterThan(1);
    const want = grouped(big);
    expect(want.length).toBe(new Set(records.map(([k]) => canonical(k))).size);
    expect(grouped(tiny)).toEqual(want);
    tiny.dispose(); big.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("insertCombiner merges combiners (reduce side of a shuffle), property vs a plain model", () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 30 }), fc.tuple(fc.constantFrom("x", "y"), fc.integer({ min: 0, max: 3 }))),
        fc.array(fc.integer(), { minLength: 1, maxLength: 3 })), { maxLength: 400 }),
      fc.integer({ min: 200, max: 5000 }),
      (combiners, limit) => {
        const dir = tempDir();
        const m = new ExternalAppendOnlyMap(list, { dir, memoryLimitBytes: limit });
        for (const [k, c] of combiners) m.insertCombiner(k, [...c]);
        const model = new Map<string, number[]>();
        for (const [k, c] of combiners) model.set(canonical(k), [...(model.get(canonical(k)) ?? []), ...c]);
        const want = [...model].map(([k, c]) => [k, c.sort((a, b) => a - b)]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
        expect(grouped(m)).toEqual(want);
        m.dispose();
      }), { numRuns: 40 });
  });

  it("keeps colliding-hash keys apart", () => {
    // Spilled runs are ordered by hash; equal hashes with different keys must not be merged.
    const dir = tempDir();
    const sum: Aggregator<number, number> = { createCombiner: (v) => v, mergeValue: (c, v) => c + v, mergeCombiners: (a, b) => a + b };
    const m = new ExternalAppendOnlyMap(sum, { dir, memoryLimitBytes: 256 });
    // null and undefined and 0-like keys hash to 0 in keys.ts; they are distinct keys.
    const keys: unknown[] = [null, undefined, 0, "", false];
    for (let i = 0; i < 500; i++) m.insert(keys[i % keys.length], 1);
    expect(m.spillBytes).toBeGreaterThan(0);
    const got = [...m.entries()].map(([k, c]) => [canonical(k), c]).sort();
    expect(got).toEqual(keys.map((k) => [canonical(k), 100]).sort());
  });
});

describe("ExternalSorter", () => {
  it("with a tiny memory limit sorts like Array.sort and spills", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.string({ maxLength: 3 })), fc.nat()), { maxLength: 2000 }),
      (recs) => {
        const dir = tempDir();
        const cmp = (a: [unknown, number], b: [unknown, number]) => compareKeys(a[0], b[0]);
        const s = new ExternalSorter(cmp, { dir, memoryLimitBytes: 1024 });
        s.insertAll(recs);
        // Array.prototype.sort is stable, and so is the external sort: ties keep insertion order.
        expect([...s.sorted()]).toEqual([...recs].sort(cmp));
        if (recs.length > 200) expect(s.spillBytes).toBeGreaterThan(0);
        s.dispose();
        expect(readdirSync(dir)).toEqual([]);
      }), { numRuns: 40 });
  });

  it("sorts 100k records with spills", () => {
    const dir = tempDir();
    const s = new ExternalSorter<number>((a, b) => a - b, { dir, memoryLimitBytes: 64 * 1024 });
    const xs = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_003);
    s.insertAll(xs);
    expect(s.spillCount).toBeGreaterThan(1);
    const out = [...s.sorted()];
    expect(out).toEqual([...xs].sort((a, b) => a - b));
    s.dispose();
  });

  it("folds runs so that a merge never opens more than 64 files", () => {
    const dir = tempDir();
    const s = new ExternalSorter<[number, number]>((a, b) => a[0] - b[0], { dir, memoryLimitBytes: 2048 });
    const xs = Array.from({ length: 20_000 }, (_, i) => [(i * 7919) % 1000, i] as [number, number]);
    s.insertAll(xs);
    expect(s.spillBytes).toBeGreaterThan(64 * 2048);   // far more spills than files allowed open
    expect(s.spillCount).toBeLessThanOrEqual(64);
    expect(readdirSync(dir).length).toBe(s.spillCount);
    expect([...s.sorted()]).toEqual([...xs].sort((a, b) => a[0] - b[0]));   // still stable
    s.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("drain()", () => {
  it("streams merged output and deletes spill files at the end, or when abandoned", () => {
    const dir = tempDir();
    const sum: Aggregator<number, number> = { createCombiner: (v) => v, mergeValue: (c, v) => c + v, mergeCombiners: (a, b) => a + b };
    const m = new ExternalAppendOnlyMap(sum, { dir, memoryLimitBytes: 1024 });
    for (let i = 0; i < 3000; i++) m.insert(i % 300, 1);
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    let n = 0;
    for (const [, c] of m.drain()) { expect(c).toBe(10); n++; }
    expect(n).toBe(300);
    expect(readdirSync(dir)).toEqual([]);
    const fds = () => readdirSync("/proc/self/fd").length;
    const before = fds();
    const s = new ExternalSorter<number>((a, b) => a - b, { dir, memoryLimitBytes: 1024 });
    s.insertAll(Array.from({ length: 3000 }, (_, i) => 2999 - i));
    const firstThree: number[] = [];
    for (const x of s.drain()) { firstThree.push(x); if (firstThree.length === 3) break; }
    expect(firstThree).toEqual([0, 1, 2]);
    expect(readdirSync(dir)).toEqual([]);
    const m2 = new ExternalAppendOnlyMap(sum, { dir, memoryLimitBytes: 1024 });
    for (let i = 0; i < 3000; i++) m2.insert(i, 1);
    for (const _ of m2.drain()) break;
    expect(readdirSync(dir)).toEqual([]);
    expect(fds()).toBe(before);   // abandoned merges closed their run files
  });
});

describe("ExternalAppendOnlyMap merge passes", () => {
  it("folds runs too and still combines every key", () => {
    const dir = tempDir();
    const sum: Aggregator<number, number> = { createCombiner: (v) => v, mergeValue: (c, v) => c + v, mergeCombiners: (a, b) => a + b };
    const m = new ExternalAppendOnlyMap(sum, { dir, memoryLimitBytes: 2048 });
    for (let i = 0; i < 20_000; i++) m.insert(`k${(i * 7919) % 1000}`, 1);
    expect(m.spillCount).toBeLessThanOrEqual(64);
    expect(readdirSync(dir).length).toBe(m.spillCount);
    const got = [...m.entries()];
    expect(got.length).toBe(1000);
    expect(got.every(([, c]) => c === 20)).toBe(true);
    m.dispose();
  });
});
