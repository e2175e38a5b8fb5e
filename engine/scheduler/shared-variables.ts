// Broadcast variables and accumulators, PySpark's two kinds of shared variables. On the driver
// they are handles; in a closure they ship as references ([SHIP]) and are rebuilt on workers:
// a broadcast from the value the driver sent once per executor, an accumulator as a task-local
// partial whose updates return with the task result and are merged only for successful tasks.

import { SHIP, registerShipResolver, serializeFunction, deserializeFunction, type SerializedFunction } from "../common/closure";
import { ExecutionError, WorkbenchError } from "../common/errors";

// ---- broadcast ----------------------------------------------------------------------------

export class Broadcast<T> {
  private destroyed = false;
  constructor(readonly id: number, private readonly _value: T, private readonly onRemove?: (id: number, destroy: boolean) => void) {}
  get value(): T {
    if (this.destroyed) throw new WorkbenchError("BROADCAST_DESTROYED", `Attempted to use Broadcast(${this.id}) after it was destroyed`);
    return this._value;
  }
  /** Delete cached copies on the workers; the value is re-sent if used again. */
  unpersist(_blocking = false): void {
    this.onRemove?.(this.id, false);
  }
  destroy(_blocking = false): void {
    this.destroyed = true;
    this.onRemove?.(this.id, true);
  }
  toString(): string {
    return `Broadcast(${this.id})`;
  }
  [SHIP]() {
    if (this.destroyed) throw new WorkbenchError("BROADCAST_DESTROYED", `Attempted to use Broadcast(${this.id}) after it was destroyed`);
    return { kind: "broadcast", data: this.id };
  }
}

/** Values of broadcasts received by this executor. */
export const workerBroadcasts = new Map<number, unknown>();

class WorkerBroadcast {
  constructor(readonly id: number) {}
  get value(): unknown {
    if (!workerBroadcasts.has(this.id)) throw new ExecutionError("BROADCAST_NOT_FOUND", `Broadcast(${this.id}) has not been sent to this worker (was it destroyed?)`);
    return workerBroadcasts.get(this.id);
  }
  unpersist(): void {}
  destroy(): void {
    throw new ExecutionError("UNSUPPORTED_OPERATION", "a broadcast can only be destroyed on the driver");
  }
}
registerShipResolver("broadcast", (id) => new WorkerBroadcast(id as number));

// ---- accumulators -------------------------------------------------------------------------

/** How accumulated values combine (PySpark's AccumulatorParam). */
export interface AccumulatorParam<T> {
  zero(initial: T): T;
  addInPlace(a: T, b: T): T;
}

const NUMBER_PARAM: AccumulatorParam<number> = { zero: () => 0, addInPlace: (a, b) => a + b };

export class Accumulator<T = number> {
  private _value: T;
  private shippedAdd?: SerializedFunction;
  constructor(readonly id: number, initial: T, readonly param: AccumulatorParam<T> = NUMBER_PARAM as unknown as AccumulatorParam<T>) {
    this._value = initial;
  }
  get value(): T {
    return this._value;
  }
  set value(v: T) {
    this._value = v;
  }
  add(term: T): void {
    this._value = this.param.addInPlace(this._value, term);
  }
  /** Merge a successful task's partial value (driver side). */
  merge(partial: T): void {
    this._value = this.param.addInPlace(this._value, partial);
  }
  toString(): string {
    return String(this._value);
  }
  [SHIP]() {
    const custom = this.param !== (NUMBER_PARAM as unknown);
    if (custom) this.shippedAdd ??= serializeFunction(this.param.addInPlace, "accumulator");
    return { kind: "accumulator", data: { id: this.id, zero: this.param.zero(this._value), add: custom ? this.shippedAdd : undefined } };
  }
}

/** Partial values of the accumulators used by the running task (one task per thread at a time). */
export const taskAccumulators = new Map<number, { value: unknown }>();

class WorkerAccumulator {
  constructor(readonly id: number, private readonly zero: unknown, private readonly addFn: (a: unknown, b: unknown) => unknown) {}
  add(term: unknown): void {
    let slot = taskAccumulators.get(this.id);
    if (!slot) {
      slot = { value: structuredClone(this.zero) };
      taskAccumulators.set(this.id, slot);
    }
    slot.value = this.addFn(slot.value, term);
  }
  get value(): never {
    throw new ExecutionError("ACCUMULATOR_VALUE_IN_TASK", "Accumulator.value cannot be accessed inside tasks");
  }
}
registerShipResolver("accumulator", (d) => {
  const { id, zero, add } = d as { id: number; zero: unknown; add?: SerializedFunction };
  const addFn = add ? (deserializeFunction(add) as (a: unknown, b: unknown) => unknown) : (a: unknown, b: unknown) => (a as number) + (b as number);
  return new WorkerAccumulator(id, zero, addFn);
});
