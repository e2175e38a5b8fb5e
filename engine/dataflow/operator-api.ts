// What an operator of a task is, worker side: the Emitter it writes to (the next operator of its chain
// or the task's outputs), its environment (keyed and operator state, subtask index), the Operator
// interface the subtask drives, and how a user function given as a function or as an object with
// open()/initializeState() is called (Flink's RichFunction and RuntimeContext).

import { ExecutionError } from "../common/errors";
import type { KeyedStateBackend, OperatorStateStore } from "./state";

export interface Emitter {
  collect(v: unknown, ts: number | undefined): void;
  side(tag: string, v: unknown, ts: number | undefined): void;
  watermark(t: number): void;
  /** Watermark status: an idle input is left out of its consumers' minimum until it is active again. */
  status(idle: boolean): void;
}

export interface OpEnv {
  keyed: KeyedStateBackend;
  opState: OperatorStateStore;
  subtask: number;
  parallelism: number;
  name: string;
  watermarkInterval: number;
}

export interface Operator {
  processElement(v: unknown, ts: number | undefined, out: Emitter): void;
  /** The second input of a two-input operator (connect). */
  processElement2?(v: unknown, ts: number | undefined, out: Emitter): void;
  processWatermark(t: number, out: Emitter): void;
  onProcessingTime?(now: number, out: Emitter): void;
  snapshot(): unknown;
  restore(s: unknown): void;
  finish?(out: Emitter): void;
  /** Sinks: outputs since the last checkpoint (handed to the coordinator with the ack). */
  takePending?(): unknown[];
}

/** The object Flink calls RuntimeContext: state handles and subtask info. */
function runtimeContext(env: OpEnv) {
  return {
    getState: (d: any) => env.keyed.getState(d),
    getListState: (d: any) => env.keyed.getListState(d),
    getMapState: (d: any) => env.keyed.getMapState(d),
    getReducingState: (d: any) => env.keyed.getReducingState(d),
    getOperatorStateStore: () => env.opState,
    getIndexOfThisSubtask: () => env.subtask,
    getNumberOfParallelSubtasks: () => env.parallelism,
    getTaskName: () => env.name,
  };
}

const opened = new WeakSet<object>();

/** A user function given as a function or as an object with the named method (and optional open()). */
export function userFn(fn: unknown, method: string, env: OpEnv): (...a: any[]) => any {
  if (typeof fn === "function") return fn as (...a: any[]) => any;
  if (fn && typeof fn === "object" && typeof (fn as any)[method] === "function") {
    const o = fn as any;
    const rc = runtimeContext(env);
    if (!opened.has(o)) {
      opened.add(o);
      if (typeof o.setRuntimeContext === "function") o.setRuntimeContext(rc); // a subclass of AbstractRichFunction
      else if (typeof o.getRuntimeContext !== "function") o.getRuntimeContext = () => rc;
      o.open?.(rc);
      o.initializeState?.({ getOperatorStateStore: () => env.opState, getKeyedStateStore: () => rc });
    }
    return o[method].bind(o);
  }
  throw new ExecutionError("INVALID_PARAMETER_VALUE", `operator ${env.name} needs a function or an object with ${method}()`);
}
