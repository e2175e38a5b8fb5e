// Local stand-in for engine/common/closure's registerShippable until it lands: worker-side entry
// points are registered by name so tasks can ship a reference instead of the reader's source.
// When the real module exists this file re-exports it (one-line change).

type AnyFn = (...args: never[]) => unknown;

const registry = new Map<string, AnyFn>();

/** Register `fn` under a stable name; returns `fn` unchanged so call sites stay plain calls. */
export function registerShippable<F extends AnyFn>(name: string, fn: F): F {
  registry.set(name, fn);
  try {
    Object.defineProperty(fn, "__shippableName", { value: name, enumerable: false });
  } catch {
    // frozen functions cannot carry the tag; the registry still resolves them
  }
  return fn;
}

export function lookupShippable(name: string): AnyFn | undefined {
  return registry.get(name);
}
