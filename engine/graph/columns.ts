// Columns of vertex ids, edge values and messages as the Pregel engine ships them: an Int32Array
// while every entry is a 32-bit integer, a Float64Array while every entry is a number (both travel
// as raw bytes, with no per-value encoding or boxing), else a plain array.

import { isInt32 } from "../common/codec";

export type Column = unknown[] | Float64Array | Int32Array;

/** Whether a column holds numbers only (a typed array). */
export function isNumeric(c: Column): c is Float64Array | Int32Array {
  return c instanceof Float64Array || c instanceof Int32Array;
}

/** A column of the values of `a`: an Int32Array when all are 32-bit integers (read back as small integers, not doubles), a Float64Array when all are numbers. */
export function column(a: unknown[]): Column {
  let int32 = true;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== "number") return a;
    if (int32 && !isInt32(v)) int32 = false;
  }
  return int32 ? Int32Array.from(a as number[]) : Float64Array.from(a as number[]);
}

/** Appends values: numbers into a growing Float64Array until the first value that is not one. */
export class ColumnBuilder {
  private nums: Float64Array | null = new Float64Array(64);
  private any: unknown[] | null = null;
  private int32 = true;
  length = 0;

  push(v: unknown): void {
    const nums = this.nums;
    if (nums !== null && typeof v === "number") {
      if (!isInt32(v)) this.int32 = false;
      if (this.length === nums.length) { const n = new Float64Array(nums.length * 2); n.set(nums); this.nums = n; n[this.length++] = v; return; }
      nums[this.length++] = v;
      return;
    }
    if (this.any === null) { this.any = Array.from(nums!.subarray(0, this.length)); this.nums = null; }
    this.any.push(v);
    this.length++;
  }

  finish(): Column {
    if (this.any !== null) return this.any;
    if (!this.int32) return this.nums!.slice(0, this.length);
    const ints = new Int32Array(this.length); // set() converts in one native loop (from() iterates)
    ints.set(this.nums!.subarray(0, this.length));
    return ints;
  }
}
