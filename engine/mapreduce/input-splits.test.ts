// FileInputFormat splits and the line reader against a plain split of the file: for any split
// size, every line is read exactly once, by the split where it starts, with its byte offset.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planSplits, readLines, readSplit } from "./input-splits";
import { mergeRuns, forEachGroup } from "./sorted-runs";
import { Counters, TASK_COUNTER } from "./counters";
import { serializedSize } from "./record-size";
import { encode } from "../common/codec";

const dir = mkdtempSync(join(tmpdir(), "mr-splits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectedLines(text: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let off = 0;
  const parts = text.split("\n");
  parts.forEach((l, i) => {
    if (i < parts.length - 1 || l.length > 0) out.push([off, l.replace(/\r$/, "")]);
    off += Buffer.byteLength(l) + 1;
  });
  return out;
}

describe("input splits", () => {
  const texts = [
    "one\ntwo\nthree\n",
    "no trailing newline\nlast",
    "\n\nempty lines\n\n",
    "unicode é ü 日本語 line\nsecond ✔ line\r\nthird\n",
    Array.from({ length: 200 }, (_, i) => "x".repeat(i % 37)).join("\n"),
  ];
  it("every line is read once, by the split where it starts, for every split size", () => {
    texts.forEach((t, ti) => {
      const path = join(dir, `t${ti}.txt`);
      writeFileSync(path, t);
      for (const size of [1, 2, 3, 5, 7, 16, 64, 1000]) {
        const splits = planSplits([path], size, "text");
        const got: Array<[number, string]> = [];
        for (const s of splits) readLines(s, (off, line) => {
          expect(off).toBeGreaterThanOrEqual(s.start);
          expect(off).toBeLessThan(s.start + Math.max(1, s.length));
          got.push([off, line]);
        });
        expect(got, `text ${ti} split ${size}`).toEqual(expectedLines(t));
      }
    });
  });
  it("split sizes follow Hadoop's 10% slop; wholeFile never splits; keyValue splits at the first tab", () => {
    const path = join(dir, "ten.txt");
    writeFileSync(path, "a".repeat(10_000));
    expect(planSplits([path], 3000, "text").map((s) => s.length)).toEqual([3000, 3000, 3000, 1000]);
    expect(planSplits([path], 3200, "text").map((s) => s.length)).toEqual([3200, 3200, 3200, 400]);
    writeFileSync(path, "a".repeat(3300));
    expect(planSplits([path], 3000, "text").map((s) => s.length)).toEqual([3300]);   // 3300 / 3000 <= 1.1: one split
    expect(planSplits([path], 3000, "wholeFile").length).toBe(1);
    const kv = join(dir, "kv.txt");
    writeFileSync(kv, "k1\tv1\tmore\nk2\n");
    const recs: unknown[] = [];
    readSplit({ path: kv, start: 0, length: 100 }, "keyValue", (k, v) => recs.push([k, v]));
    expect(recs).toEqual([["k1", "v1\tmore"], ["k2", ""]]);
  });
});

describe("sorted runs, counters, record sizes", () => {
  it("mergeRuns merges sorted runs stably; forEachGroup groups consecutive equal keys", () => {
    const runs: Array<Array<[unknown, unknown]>> = [[[1, "a"], [3, "b"], [5, "c"]], [[1, "d"], [2, "e"]], [], [[5, "f"]]];
    const merged = mergeRuns(runs, (a, b) => (a as number) - (b as number));
    expect(merged).toEqual([[1, "a"], [1, "d"], [2, "e"], [3, "b"], [5, "c"], [5, "f"]]);
    const groups: unknown[] = [];
    expect(forEachGroup(merged, (a, b) => (a as number) - (b as number), (k, vs) => groups.push([k, vs]))).toBe(4);
    expect(groups).toEqual([[1, ["a", "d"]], [2, ["e"]], [3, ["b"]], [5, ["c", "f"]]]);
  });
  it("Counters look names up across groups and print Hadoop-style", () => {
    const c = new Counters({ [TASK_COUNTER]: { MAP_OUTPUT_RECORDS: 5 }, Mine: { X: 2 } });
    expect(c.get("MAP_OUTPUT_RECORDS")).toBe(5);
    expect(c.get("Mine", "X")).toBe(2);
    expect(c.get("NOPE")).toBe(0);
    expect(c.group("Map-Reduce Framework")).toEqual({ MAP_OUTPUT_RECORDS: 5 });
    expect(c.toString()).toContain("\tMap-Reduce Framework\n\t\tMAP_OUTPUT_RECORDS=5");
  });
  it("serializedSize equals the codec's encoded size for strings, numbers and arrays", () => {
    for (const v of ["", "word", "x".repeat(40), "é日本", 0, 1, 63, 64, 127, 128, 255, 256, 65535, 70000, -1, -100, 3.5, true, null, [1, "a"], [[1, 2], ["b"]], "y".repeat(300)]) {
      expect(serializedSize(v), JSON.stringify(v)).toBe(encode(v).length);
    }
  });
});
