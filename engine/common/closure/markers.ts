// Markers a value can carry to steer closure shipping: [SHIP] ships it as a named reference that
// the receiving side rebuilds (broadcasts, accumulators, engine functions); [UNSHIPPABLE] makes
// capturing it an error with the value's own Spark error condition (SparkContext, RDDs).

export const SHIP: unique symbol = Symbol.for("bigdata.ship") as any;
export const UNSHIPPABLE: unique symbol = Symbol.for("bigdata.unshippable") as any;

/** What a [SHIP]() method returns: plain data, encodable by engine/common/codec. */
export interface ShipRef {
  kind: string;
  data: unknown;
}

/** The shape of an [UNSHIPPABLE] marker. */
export interface UnshippableMark {
  condition: string;
  message: string;
}

export interface Shippable {
  [SHIP](): ShipRef;
}

export function shipMethodOf(v: object): (() => ShipRef) | undefined {
  // A class's [SHIP] is its own (registerShippable): a subclass inherits its parent's static
  // [SHIP] through the constructor chain but is another class and must travel as itself. An
  // instance may inherit [SHIP] from its class's prototype (a [SHIP] method).
  if (typeof v === "function" && !Object.prototype.hasOwnProperty.call(v, SHIP)) return undefined;
  const m = (v as { [SHIP]?: unknown })[SHIP];
  return typeof m === "function" ? (m as () => ShipRef) : undefined;
}

export function unshippableMarkOf(v: object): UnshippableMark | undefined {
  const m = (v as { [UNSHIPPABLE]?: unknown })[UNSHIPPABLE];
  if (m && typeof m === "object" && typeof (m as UnshippableMark).condition === "string") return m as UnshippableMark;
  return undefined;
}
