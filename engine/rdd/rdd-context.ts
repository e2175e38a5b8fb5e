// What an RDD needs from the driver (the SparkContext implements it). On workers RDDs are
// rebuilt with a context whose driver-only methods refuse to run: RDD operations inside a
// task are a user error (SPARK-5063).

import type { SerializedFunction } from "../common/closure";
import type { TaskContext } from "./task-context";
import type { RDD } from "./rdd";

export type ResultFn<T, U> = (it: Iterator<T>, tc: TaskContext) => U;

export interface RunJobOptions {
  partitions?: number[];
  callSite?: string;
  /** Called on the driver for each finished partition (in completion order). */
  onPartition?: (index: number, result: unknown) => void;
}

export interface RddContext {
  readonly isDriver: boolean;
  newRddId(): number;
  newShuffleId(): number;
  /**
   * A shuffle dependency the driver program created (Spark's ContextCleaner.registerShuffleForCleanup):
   * its files may go once nothing can reach `dep` any more. Workers' contexts leave it out.
   */
  registerShuffle?(dep: object, shuffleId: number): void;
  readonly defaultParallelism: number;
  readonly checkpointDir?: string;
  /** Run one job over `partitions` (default all) of rdd, applying fn to each partition on the workers. */
  runJob<T, U>(rdd: RDD<T>, fn: ResultFn<T, U>, opts?: RunJobOptions): Promise<U[]>;
  serialize(fn: Function, what: string): SerializedFunction;
  /** Drop cached blocks of an RDD on every worker. */
  unpersistRdd(rddId: number): void;
}
