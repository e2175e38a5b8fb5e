// Closure shipping, the workbench's cloudpickle: functions given to RDD transformations are
// serialized on the driver (source + captured variables, read through node:inspector) and
// rebuilt on workers. See serialize.ts and deserialize.ts; wire-format.ts is the data shape.

export { SHIP, UNSHIPPABLE, type ShipRef, type Shippable, type UnshippableMark } from "./markers";
export type { SerializedFunction } from "./wire-format";
export { serializeFunction } from "./serialize";
export { deserializeFunction } from "./deserialize";
export { registerShipResolver, registerShippable } from "./ship-registry";
export { releaseInspectorHandles } from "./scope-inspector";
export { partial } from "./partial";
export { warmSourceAnalysis } from "./source-analysis";
