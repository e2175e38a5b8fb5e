// How [SHIP] references are rebuilt on the receiving side, and the table of module-level values
// shipped by a stable name. Both driver and workers import the engine, so registrations made at
// module load happen identically on each side.

import { InternalError, WorkbenchError } from "../errors";
import { SHIP, type ShipRef } from "./markers";

const resolvers = new Map<string, (data: unknown) => unknown>();
const named = new Map<string, unknown>();

export const NAMED_KIND = "bigdata.named";

/** Register how a [SHIP] reference of `kind` is rebuilt on the receiving side. */
export function registerShipResolver(kind: string, resolve: (data: unknown) => unknown): void {
  if (kind === NAMED_KIND) throw new InternalError("INTERNAL_ERROR", `ship kind '${kind}' is reserved`);
  resolvers.set(kind, resolve);
}

/**
 * Make a module-level value (e.g. an engine function) shippable by a stable name: both driver and
 * workers import the engine, so the name resolves to the same value on each side. Sets [SHIP].
 * Registering a name again replaces the value (notebook cells may be re-run).
 */
export function registerShippable<T extends object>(name: string, value: T): T {
  named.set(name, value);
  const ref: ShipRef = { kind: NAMED_KIND, data: name };
  Object.defineProperty(value, SHIP, { value: () => ref, enumerable: false, configurable: true, writable: true });
  return value;
}

/** Rebuild a [SHIP] reference. */
export function resolveShipRef(kind: string, data: unknown, what: string): unknown {
  if (kind === NAMED_KIND) {
    if (typeof data === "string" && named.has(data)) return named.get(data);
    throw new WorkbenchError("CLOSURE_NOT_DESERIALIZABLE",
      `the function passed to ${what} uses the engine value '${String(data)}', which is not registered in this process (is the same engine version loaded here?)`,
      { parameters: { name: data, operator: what } });
  }
  const r = resolvers.get(kind);
  if (!r) {
    throw new WorkbenchError("CLOSURE_NOT_DESERIALIZABLE",
      `the function passed to ${what} captured a '${kind}' reference, but no resolver for '${kind}' is registered in this process`,
      { parameters: { kind, operator: what } });
  }
  return r(data);
}
