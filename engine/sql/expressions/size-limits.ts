// Bounds on values a single function call may build. V8 cannot catch an out-of-memory: an array
// of 2e9 elements or a 2 GB string ends the process. Functions whose result size comes from an
// argument (sequence, array_repeat, lpad, rpad, repeat, space) check it first and raise a typed
// error, as Spark does at its own (larger, JVM) limits. Constant folding on the driver goes
// further and folds only what is cheap (see foldBudget): the rest runs in tasks, where it can be
// cancelled and fails cleanly.

import { ExecutionError } from "../../common/errors";

/** Most elements one array value may hold (Spark: 2147483632; a V8 heap holds far fewer). */
export const MAX_ARRAY_ELEMENTS = 1 << 25;
/** Most UTF-16 code units one string value may hold (V8's own limit is about 2^29). */
export const MAX_STRING_LENGTH = 1 << 27;
/** Constant folding evaluates on the driver only results up to this many elements or characters. */
export const FOLD_BUDGET = 1 << 16;

export function checkArraySize(fn: string, parameter: string, n: number): void {
  if (n > MAX_ARRAY_ELEMENTS) {
    throw new ExecutionError("COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER",
      `Can't create array with ${n} elements which exceeding the array size limit ${MAX_ARRAY_ELEMENTS}, the value of parameter(s) ${parameter} in \`${fn}\` is invalid.`,
      { parameters: { numberOfElements: n, maxRoundedArrayLength: MAX_ARRAY_ELEMENTS, functionName: fn, parameter } });
  }
}

export function checkStringSize(fn: string, parameter: string, n: number): void {
  if (n > MAX_STRING_LENGTH) {
    throw new ExecutionError("STRING_SIZE_LIMIT_EXCEEDED",
      `Can't create a string of ${n} characters, which exceeds the string size limit ${MAX_STRING_LENGTH}; the value of parameter(s) ${parameter} in \`${fn}\` is invalid.`,
      { parameters: { length: n, limit: MAX_STRING_LENGTH, functionName: fn, parameter } });
  }
}

/** Number of elements sequence(start, stop, step) has (0 when the bounds are illegal). */
export function sequenceLength(start: number, stop: number, step: number): number {
  if (step === 0 || (step > 0 && start > stop) || (step < 0 && start < stop)) return start === stop ? 1 : 0;
  return Math.floor((stop - start) / step) + 1;
}

/** Functions constant folding never evaluates on the driver: a pattern can backtrack for minutes. */
export const NOT_FOLDED = new Set([
  "rlike", "regexp", "regexp_like", "regexp_replace", "regexp_extract", "regexp_extract_all", "regexp_count",
  "regexp_instr", "regexp_substr", "like", "ilike", "split", "str_to_map",
]);

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined);
const len = (v: unknown): number | undefined => (typeof v === "string" ? v.length : undefined);

/**
 * The size (elements or characters) the call `name(values)` would build, from its literal
 * arguments; Infinity when an argument is not known. Undefined for functions that do not build
 * values from a size argument.
 */
export function resultSizeEstimate(name: string, values: Array<unknown | typeof UNKNOWN>): number | undefined {
  const known = (i: number) => values[i] !== UNKNOWN;
  switch (name) {
    case "lpad": case "rpad": return known(1) ? Math.max(0, num(values[1]) ?? 0) : Infinity;
    case "space": return known(0) ? Math.max(0, num(values[0]) ?? 0) : Infinity;
    case "array_repeat": return known(1) ? Math.max(0, num(values[1]) ?? 0) : Infinity;
    case "repeat": return known(0) && known(1) ? (len(values[0]) ?? 0) * Math.max(0, num(values[1]) ?? 0) : Infinity;
    case "sequence": {
      if (!known(0) || !known(1) || (values.length > 2 && !known(2))) return Infinity;
      const a = num(values[0]), b = num(values[1]);
      if (a === undefined || b === undefined) return 0;   // dates/timestamps: bounded by the caller's checks
      const s = values.length > 2 ? num(values[2]) ?? 1 : a <= b ? 1 : -1;
      return sequenceLength(a, b, s);
    }
    default: return undefined;
  }
}

/** Marker for an argument that is not a literal. */
export const UNKNOWN: unique symbol = Symbol("unknown");
