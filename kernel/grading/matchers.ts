// The matchers of expect() in graded tests. This file is also the typing notebooks see: the
// kernel's notebook declarations (kernel/typing/notebook-globals-dts.ts) embed its text, so keep
// it to this one self-contained interface.

export interface Matchers {
  /** Deep structural equality (arrays, plain objects, Rows, Maps, Sets, Dates). */
  toEqual(expected: unknown): void;
  /** Identity (Object.is), as Jest's toBe. */
  toBe(expected: unknown): void;
  /** |got - expected| < 10^-digits / 2 (Jest's rule; digits defaults to 2). */
  toBeCloseTo(expected: number, digits?: number): void;
  toBeGreaterThan(n: number): void;
  toBeGreaterThanOrEqual(n: number): void;
  toBeLessThan(n: number): void;
  toBeLessThanOrEqual(n: number): void;
  toBeTruthy(): void;
  toBeFalsy(): void;
  toBeDefined(): void;
  /** An array or string that contains the item (deep equality for arrays). */
  toContain(item: unknown): void;
  toHaveLength(n: number): void;
  /** The same elements in any order (deep equality). */
  toEqualUnordered(expected: unknown[]): void;
  toMatch(re: RegExp | string): void;
  /** got is a function that throws (optionally: whose message contains / matches). */
  toThrow(what?: string | RegExp): void;
  readonly not: Omit<Matchers, "not">;
}
