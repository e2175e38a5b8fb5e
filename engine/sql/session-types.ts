// What the SQL layer needs from the session layer above it (SparkSession / SparkContext). The
// SQL layer only sees these interfaces, so engine/session can implement them without the SQL
// layer importing upward, and tests can run the SQL layer on a small stand-in.

import type { RDD } from "../rdd";
import { WorkbenchError } from "../common/errors";
import { TIME_ZONE_KEY, normalizeTimeZone, systemTimeZone } from "./time-zone";

export interface BroadcastLike<T> {
  readonly value: T;
  unpersist?(blocking?: boolean): unknown;
  destroy?(): unknown;
}

export interface SqlSparkContext {
  readonly defaultParallelism: number;
  parallelize<T>(data: T[], numSlices?: number): RDD<T>;
  readSplits<S, T>(splits: S[], read: (split: S, ctx: unknown) => Iterable<T> | Promise<Iterable<T>>, name?: string): RDD<T>;
  broadcast<T>(value: T): BroadcastLike<T>;
  /** Job group / local properties for the SQL tab ("callSite.short"); optional. */
  setLocalProperty?(key: string, value: string | null): void;
  /** Accumulators carry per-operator metrics (rows out, time) back from tasks; optional. */
  accumulator?<T>(value: T, param?: { zero(initial: T): T; addInPlace(a: T, b: T): T }): { readonly value: T; add(term: T): void };
  /**
   * A lazy RDD planned by `build` when its first action runs (df.rdd). Optional: on a real
   * SparkContext the SQL layer uses its own DeferredRDD; stand-ins may provide one.
   */
  deferredRdd?<T>(build: () => Promise<RDD<T>>): RDD<T>;
}

/** Runtime configuration (spark.conf). Keys are Spark's. */
export interface SqlConfLike {
  get(key: string, defaultValue?: string): string | undefined;
  set(key: string, value: string | number | boolean): void;
  unset?(key: string): void;
}

/** The session as the SQL layer sees it. */
export interface SqlSessionLike {
  readonly sparkContext: SqlSparkContext;
  readonly conf: SqlConfLike;
}

/** A simple map-backed spark.conf for sessions that have none. */
export class MapConf implements SqlConfLike {
  private readonly m = new Map<string, string>();
  constructor(init: Record<string, string | number | boolean> = {}) {
    for (const [k, v] of Object.entries(init)) this.m.set(k, String(v));
  }
  get(key: string, defaultValue?: string): string | undefined {
    return this.m.get(key) ?? defaultValue;
  }
  set(key: string, value: string | number | boolean): void {
    this.m.set(key, String(value));
  }
  unset(key: string): void {
    this.m.delete(key);
  }
  getAll(): Record<string, string> {
    return Object.fromEntries(this.m);
  }
}

/** Settings the SQL layer reads, with its defaults. */
export interface SqlSettings {
  shufflePartitions: number;
  autoBroadcastJoinThreshold: number;
  ansi: boolean;
  caseSensitive: boolean;
  /** Columnar (batched) execution of Parquet scans and the operators above them. */
  columnar: boolean;
  /** spark.sql.session.timeZone (Spark's default: the machine's zone). */
  timeZone: string;
}

export const SQL_DEFAULTS = {
  // Spark's default is 200; on a 2-core teaching cluster that is 200 tiny tasks per shuffle, so
  // the workbench defaults to 4 (set spark.sql.shuffle.partitions to change it).
  "spark.sql.shuffle.partitions": "4",
  "spark.sql.autoBroadcastJoinThreshold": String(10 * 1024 * 1024),
  "spark.sql.ansi.enabled": "false",
  "spark.sql.caseSensitive": "false",
  "spark.sql.parquet.enableVectorizedReader": "true",
} as const;

export function readSettings(conf: SqlConfLike): SqlSettings {
  const get = (k: keyof typeof SQL_DEFAULTS) => conf.get(k) ?? SQL_DEFAULTS[k];
  return {
    shufflePartitions: Math.max(1, parseInt(get("spark.sql.shuffle.partitions"), 10) || 4),
    autoBroadcastJoinThreshold: parseSize(get("spark.sql.autoBroadcastJoinThreshold")),
    ansi: get("spark.sql.ansi.enabled").toLowerCase() === "true",
    caseSensitive: get("spark.sql.caseSensitive").toLowerCase() === "true",
    columnar: get("spark.sql.parquet.enableVectorizedReader").toLowerCase() !== "false",
    timeZone: sessionTimeZone(conf),
  };
}

/** The session time zone: spark.sql.session.timeZone, else the machine's zone (Spark's default). */
export function sessionTimeZone(conf: SqlConfLike): string {
  const z = conf.get("spark.sql.session.timeZone");
  return z === undefined || z === "" ? systemTimeZone() : normalizeTimeZone(z);
}

/**
 * Settings whose values the engine checks when they are set: the session time zone, and the
 * legacy switches it does not model (refused rather than answering differently):
 * spark.sql.legacy.timeParserPolicy=LEGACY (java.text.SimpleDateFormat patterns),
 * spark.sql.legacy.ctePrecedencePolicy=LEGACY and spark.sql.decimalOperations.allowPrecisionLoss=false.
 */
export function checkedSetting(key: string, value: string): string {
  if (key === TIME_ZONE_KEY) return normalizeTimeZone(value);
  if (key === "spark.sql.legacy.timeParserPolicy" && value.trim().toUpperCase() === "LEGACY") {
    throw new WorkbenchError("UNSUPPORTED_FEATURE.LEGACY_TIME_PARSER",
      "The feature is not supported: spark.sql.legacy.timeParserPolicy=LEGACY (Spark 2's java.text.SimpleDateFormat patterns). The engine formats and parses datetimes as Spark 3+ does (EXCEPTION / CORRECTED).",
      { parameters: { key, value } });
  }
  if (key === "spark.sql.decimalOperations.allowPrecisionLoss" && value.trim().toLowerCase() === "false") {
    throw new WorkbenchError("UNSUPPORTED_FEATURE.DECIMAL_PRECISION_LOSS",
      "The feature is not supported: spark.sql.decimalOperations.allowPrecisionLoss=false (decimal results keep their full scale and become NULL when they do not fit). The engine follows Spark's default (true): results that would exceed precision 38 give up scale.",
      { parameters: { key, value } });
  }
  if (key === "spark.sql.legacy.ctePrecedencePolicy" && value.trim().toUpperCase() === "LEGACY") {
    throw new WorkbenchError("UNSUPPORTED_FEATURE.LEGACY_CTE_PRECEDENCE",
      "The feature is not supported: spark.sql.legacy.ctePrecedencePolicy=LEGACY (an outer WITH definition taking precedence over an inner one of the same name). The engine resolves nested WITH names as Spark 3+ does (CORRECTED).",
      { parameters: { key, value } });
  }
  return value;
}

/** "10MB", "10485760", "-1" -> bytes. */
export function parseSize(s: string): number {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([kmgt]?)b?\s*$/i.exec(s);
  if (!m) return Number(s);
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Number(m[1]) * mult;
}
