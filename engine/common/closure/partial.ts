// Partial application for the engine's own task functions: `partial(f, a, b)` is
// `f.bind(undefined, a, b)`, with its parts recorded, so shipping it reads nothing through the
// inspector (serialize.ts asks here first). With `f` a registered engine function (a [SHIP]
// reference), a task's function then travels as that name and its leading arguments, with no
// closure scopes to look up: the SQL executor's operators ship this way, a millisecond less of
// the driver's time per query than as arrow functions.

import type { BoundParts } from "./scope-inspector";

const known = new WeakMap<Function, BoundParts>();

export function partial<A extends unknown[], R extends unknown[], T>(target: (...args: [...A, ...R]) => T, ...args: A): (...rest: R) => T {
  const f = (target as (...xs: unknown[]) => T).bind(undefined, ...args) as (...rest: R) => T;
  known.set(f, { target, self: undefined, args });
  return f;
}

/** The parts of a function made by partial(), if it is one. */
export function partialParts(fn: Function): BoundParts | undefined {
  return known.get(fn);
}
