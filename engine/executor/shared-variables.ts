// The executor's half of the shared variables (engine/scheduler/shared-variables.ts is the
// driver's): a broadcast or accumulator reference in a shipped closure is rebuilt here, a
// broadcast reading the value the driver sent this executor once, an accumulator adding into a
// task-local partial that returns with the task's result.

import { registerShipResolver, deserializeFunction, type SerializedFunction } from "../common/closure";
import { ExecutionError } from "../common/errors";

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
