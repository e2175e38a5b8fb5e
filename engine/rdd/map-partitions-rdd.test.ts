// The push form of the narrow operators (eachRecord, used by shuffle writes) must give exactly
// the records of the pull form (iterator) and of plain Array methods, in order, and fail the same.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyOp, pushOp, type MapOp } from "./map-partitions-rdd";
import type { TaskContext } from "./task-context";

const tc = {} as TaskContext;
type Fn = (...a: any[]) => any;

function pull(op: MapOp, f: Fn, input: unknown[]): unknown[] {
  const it = applyOp(op, f, undefined, input[Symbol.iterator](), 0, tc);
  const out: unknown[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
  return out;
}

function push(op: MapOp, f: Fn, input: unknown[]): unknown[] {
  const out: unknown[] = [];
  const sink = pushOp(op, f, (x) => out.push(x))!;
  for (const x of input) sink(x);
  return out;
}

describe("pushOp", () => {
  const ints = fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 60 });
  const cases: Array<[MapOp, Fn, (xs: number[]) => unknown[], (xs: number[]) => unknown[]]> = [
    ["map", (x: number) => x * 2, (xs) => xs, (xs) => xs.map((x) => x * 2)],
    ["filter", (x: number) => x % 3 === 0, (xs) => xs, (xs) => xs.filter((x) => x % 3 === 0)],
    ["flatMap", (x: number) => Array(Math.abs(x) % 3).fill(x), (xs) => xs, (xs) => xs.flatMap((x) => Array(Math.abs(x) % 3).fill(x))],
    ["flatMap", function* (x: number) { if (x > 0) yield x; yield -x; }, (xs) => xs, (xs) => xs.flatMap((x) => (x > 0 ? [x, -x] : [-x]))],
    ["flatMap", (x: number) => new Set([x, x + 1]), (xs) => xs, (xs) => xs.flatMap((x) => [x, x + 1])],
    ["mapValues", (v: number) => v + 1, (xs) => xs.map((x) => [x % 4, x]), (xs) => xs.map((x) => [x % 4, x + 1])],
    ["flatMapValues", (v: number) => [v, v], (xs) => xs.map((x) => [x % 4, x]), (xs) => xs.flatMap((x) => [[x % 4, x], [x % 4, x]])],
    ["keyBy", (x: number) => x % 5, (xs) => xs, (xs) => xs.map((x) => [x % 5, x])],
    ["keys", undefined as unknown as Fn, (xs) => xs.map((x) => [x, -x]), (xs) => xs],
    ["values", undefined as unknown as Fn, (xs) => xs.map((x) => [x, -x]), (xs) => xs.map((x) => -x)],
  ];
  for (const [op, f, input, model] of cases) {
    it(`${op}: push = pull = plain array model`, () => {
      fc.assert(fc.property(ints, (xs) => {
        const want = model(xs);
        expect(pull(op, f, input(xs))).toEqual(want);
        expect(push(op, f, input(xs))).toEqual(want);
      }), { numRuns: 50 });
    });
  }

  it("keeps holes of returned arrays as undefined and refuses non-iterables like the pull form", () => {
    // eslint-disable-next-line no-sparse-arrays
    const f = () => [1, , 3];
    expect(push("flatMap", f, [0])).toEqual(pull("flatMap", f, [0]));
    expect(() => push("flatMap", () => 5, [0])).toThrow(/must return an iterable/);
    expect(() => pull("flatMap", () => 5, [0])).toThrow(/must return an iterable/);
  });

  it("has no push form for ops that need the whole partition", () => {
    for (const op of ["mapPartitions", "mapPartitionsWithIndex", "glom", "sample", "zipWithIndex", "zipWithUniqueId"] as MapOp[]) {
      expect(pushOp(op, () => 0, () => {})).toBeUndefined();
    }
  });
});
