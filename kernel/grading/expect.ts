// The assertions of graded tests: expect(got).toEqual(expected) and friends, in Jest's names. A
// failed assertion throws a TestFailure that carries what was expected, what came back and the
// instructor's message, so check() and the grader can show "expected vs got". The built-ins it
// relies on are captured when this module loads, so a submission that later patches
// Object.is or Array.prototype cannot make a wrong answer compare equal.

import { inspect } from "node:util";
import type { Matchers } from "./matchers";

export type { Matchers };

const objectIs = Object.is;
const ownKeys = Object.keys;
const isArray = Array.isArray;
const getProto = Object.getPrototypeOf;
const mapEntries = Function.prototype.call.bind(Map.prototype.entries) as (m: Map<unknown, unknown>) => IterableIterator<[unknown, unknown]>;
const mapHas = Function.prototype.call.bind(Map.prototype.has) as (m: Map<unknown, unknown>, k: unknown) => boolean;
const mapGet = Function.prototype.call.bind(Map.prototype.get) as (m: Map<unknown, unknown>, k: unknown) => unknown;
const setValues = Function.prototype.call.bind(Set.prototype.values) as (s: Set<unknown>) => IterableIterator<unknown>;
const mapSize = (m: Map<unknown, unknown>) => Reflect.get(Map.prototype, "size", m) as number;
const setSize = (s: Set<unknown>) => Reflect.get(Set.prototype, "size", s) as number;
const mathAbs = Math.abs;
const mathPow = Math.pow;

/** A failed expectation: what was expected, what the code gave, and the instructor's hint. */
export class TestFailure extends Error {
  override name = "TestFailure";
  constructor(message: string, readonly expected: string, readonly got: string, readonly hint?: string) {
    super(message);
  }
}

/** How a value reads in feedback: short, one line where possible. */
export function show(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x);
  return inspect(x, { depth: 4, maxArrayLength: 20, breakLength: 120, compact: 3 });
}

/** Structural equality as Jest's toEqual: own enumerable keys, arrays, Maps, Sets, Dates; NaN equals NaN. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (objectIs(a, b)) return true;
  if (typeof a === "number" && typeof b === "number") return a === b;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && objectIs(a.getTime(), b.getTime());
  if (isArray(a) !== isArray(b)) return false;
  if (isArray(a) && isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || mapSize(a) !== mapSize(b)) return false;
    for (const [k, v] of mapEntries(a)) if (!mapHas(b, k) || !deepEqual(v, mapGet(b, k))) return false;
    return true;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || setSize(a) !== setSize(b)) return false;
    const rest = [...setValues(b)];
    outer: for (const x of setValues(a)) {
      for (let i = 0; i < rest.length; i++) if (deepEqual(x, rest[i])) { rest.splice(i, 1); continue outer; }
      return false;
    }
    return true;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!(ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) || getProto(a) !== getProto(b)) return false;
    return deepEqual([...(a as unknown as ArrayLike<unknown> & Iterable<unknown>)], [...(b as unknown as Iterable<unknown>)]);
  }
  const ka = ownKeys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = ownKeys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}


/** expect(got, hint?): the hint is what a student reads when this check fails. */
export function expect(got: unknown, hint?: string): Matchers {
  const make = (negate: boolean): Matchers => {
    const assert = (pass: boolean, what: string, expected: string, gotText = show(got)) => {
      if (pass === negate) {
        throw new TestFailure(`expected ${negate ? "not " : ""}${what}`, (negate ? "not " : "") + expected, gotText, hint);
      }
    };
    const num = (what: string): number => {
      if (typeof got !== "number") throw new TestFailure(`expected a number for ${what}`, "a number", show(got), hint);
      return got;
    };
    const m: Omit<Matchers, "not"> = {
      toEqual: (e) => assert(deepEqual(got, e), `to equal ${show(e)}`, show(e)),
      toBe: (e) => assert(objectIs(got, e), `to be ${show(e)}`, show(e)),
      toBeCloseTo: (e, digits = 2) => {
        const g = num("toBeCloseTo");
        const tol = mathPow(10, -digits) / 2;
        assert(mathAbs(g - e) < tol || objectIs(g, e), `to be within ${tol} of ${e}`, `${e} ± ${tol}`);
      },
      toBeGreaterThan: (n) => assert(num("toBeGreaterThan") > n, `> ${n}`, `> ${n}`),
      toBeGreaterThanOrEqual: (n) => assert(num("toBeGreaterThanOrEqual") >= n, `>= ${n}`, `>= ${n}`),
      toBeLessThan: (n) => assert(num("toBeLessThan") < n, `< ${n}`, `< ${n}`),
      toBeLessThanOrEqual: (n) => assert(num("toBeLessThanOrEqual") <= n, `<= ${n}`, `<= ${n}`),
      toBeTruthy: () => assert(!!got, "a truthy value", "a truthy value"),
      toBeFalsy: () => assert(!got, "a falsy value", "a falsy value"),
      toBeDefined: () => assert(got !== undefined, "a defined value", "a defined value"),
      toContain: (item) => {
        const has = typeof got === "string" ? typeof item === "string" && got.includes(item) : isArray(got) && got.some((x) => deepEqual(x, item));
        assert(has, `to contain ${show(item)}`, `something containing ${show(item)}`);
      },
      toHaveLength: (n) => {
        const len = (got as { length?: unknown } | null)?.length;
        assert(len === n, `length ${n}`, `length ${n}`, typeof len === "number" ? `length ${len}: ${show(got)}` : show(got));
      },
      toEqualUnordered: (e) => {
        let pass = isArray(got) && got.length === e.length;
        if (pass) {
          const rest = [...e];
          for (const x of got as unknown[]) {
            const i = rest.findIndex((y) => deepEqual(x, y));
            if (i < 0) { pass = false; break; }
            rest.splice(i, 1);
          }
        }
        assert(pass, `to hold the same elements as ${show(e)} in any order`, `${show(e)} (any order)`);
      },
      toMatch: (re) => {
        const pass = typeof got === "string" && (typeof re === "string" ? got.includes(re) : re.test(got));
        assert(pass, `to match ${String(re)}`, `a string matching ${String(re)}`);
      },
      toThrow: (what) => {
        if (typeof got !== "function") throw new TestFailure("expect(fn).toThrow() needs a function", "a function", show(got), hint);
        let thrown: unknown;
        let threw = false;
        try {
          (got as () => unknown)();
        } catch (e) {
          threw = true;
          thrown = e;
        }
        const msg = thrown instanceof Error ? thrown.message : String(thrown);
        const matches = !threw ? false : what === undefined ? true : typeof what === "string" ? msg.includes(what) : what.test(msg);
        const expected = what === undefined ? "a thrown error" : `an error matching ${String(what)}`;
        assert(matches, expected, expected, threw ? `threw ${thrown instanceof Error ? `${thrown.name}: ${msg}` : show(thrown)}` : "returned without throwing");
      },
    };
    return m as Matchers;
  };
  const matchers = make(false);
  Object.defineProperty(matchers, "not", { value: make(true), enumerable: false });
  return matchers;
}
