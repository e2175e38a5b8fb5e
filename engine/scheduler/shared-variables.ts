// Broadcast variables and accumulators, PySpark's two kinds of shared variables: the driver's
// handles. In a closure they ship as references ([SHIP]) and are rebuilt on workers by
// engine/executor/shared-variables.ts: a broadcast from the value the driver sent once per
// executor, an accumulator as a task-local partial whose updates return with the task result and
// are merged only for successful tasks.

import { SHIP, serializeFunction, type SerializedFunction } from "../common/closure";
import { WorkbenchError } from "../common/errors";

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
