// Flink's function classes for TypeScript programs that prefer `class X extends KeyedProcessFunction`
// to plain objects: rich functions get open()/close() and getRuntimeContext() (state handles, the
// subtask's index), set by the runtime before open(). Plain functions and objects with the same
// methods work too. The classes are shippable, so a notebook's subclass travels to the workers.

import { registerShippable } from "../common/closure";
import { ExecutionError } from "../common/errors";
import type { ListState, MapState, ReducingState, ValueState } from "./state";

/** What getRuntimeContext() returns (Flink's RuntimeContext). */
export interface RuntimeContext {
  getState<T>(descriptor: unknown): ValueState<T>;
  getListState<T>(descriptor: unknown): ListState<T>;
  getMapState<K, V>(descriptor: unknown): MapState<K, V>;
  getReducingState<T>(descriptor: unknown): ReducingState<T>;
  getIndexOfThisSubtask(): number;
  getNumberOfParallelSubtasks(): number;
  getTaskName(): string;
}

/** What processElement's ctx offers (ProcessFunction.Context with its TimerService). */
export interface ProcessContext<K = unknown> {
  timestamp(): number | undefined;
  getCurrentKey(): K;
  output(tag: unknown, value: unknown): void;
  timerService(): {
    currentWatermark(): number; currentProcessingTime(): number;
    registerEventTimeTimer(t: number): void; deleteEventTimeTimer(t: number): void;
    registerProcessingTimeTimer(t: number): void; deleteProcessingTimeTimer(t: number): void;
  };
}
export interface Collector<T> { collect(value: T): void }

export abstract class AbstractRichFunction {
  private runtimeContext?: RuntimeContext;
  /** @internal called by the runtime before open() */
  setRuntimeContext(ctx: RuntimeContext): void { this.runtimeContext = ctx; }
  getRuntimeContext(): RuntimeContext {
    if (!this.runtimeContext) throw new ExecutionError("ILLEGAL_STATE", "the runtime context is only available once the function runs on a task (in open() or later)");
    return this.runtimeContext;
  }
  open(_ctx?: RuntimeContext): void {}
  close(): void {}
}

export abstract class RichMapFunction<I, O> extends AbstractRichFunction { abstract map(value: I): O }
export abstract class RichFlatMapFunction<I, O> extends AbstractRichFunction { abstract flatMap(value: I, out: Collector<O>): void }
export abstract class RichFilterFunction<T> extends AbstractRichFunction { abstract filter(value: T): boolean }
export abstract class ProcessFunction<I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: ProcessContext, out: Collector<O>): void;
}
export abstract class KeyedProcessFunction<K, I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: ProcessContext<K>, out: Collector<O>): void;
  onTimer?(timestamp: number, ctx: ProcessContext<K> & { timeDomain(): "EVENT_TIME" | "PROCESSING_TIME" }, out: Collector<O>): void;
}
export abstract class CoProcessFunction<I1, I2, O> extends AbstractRichFunction {
  abstract processElement1(value: I1, ctx: ProcessContext, out: Collector<O>): void;
  abstract processElement2(value: I2, ctx: ProcessContext, out: Collector<O>): void;
}
export abstract class KeyedCoProcessFunction<K, I1, I2, O> extends AbstractRichFunction {
  abstract processElement1(value: I1, ctx: ProcessContext<K>, out: Collector<O>): void;
  abstract processElement2(value: I2, ctx: ProcessContext<K>, out: Collector<O>): void;
  onTimer?(timestamp: number, ctx: ProcessContext<K>, out: Collector<O>): void;
}
export abstract class ProcessWindowFunction<I, O, K> extends AbstractRichFunction {
  abstract process(key: K, ctx: { window: { start: number; end: number }; currentWatermark(): number; currentProcessingTime(): number }, elements: I[], out: Collector<O>): void;
}
/** Flink's AggregateFunction (an interface there). */
export interface AggregateFunction<I, A, O> { createAccumulator(): A; add(value: I, acc: A): A; getResult(acc: A): O; merge(a: A, b: A): A }

for (const [name, c] of Object.entries({
  AbstractRichFunction, RichMapFunction, RichFlatMapFunction, RichFilterFunction, ProcessFunction, KeyedProcessFunction,
  CoProcessFunction, KeyedCoProcessFunction, ProcessWindowFunction,
})) registerShippable(`dataflow.${name}`, c);
