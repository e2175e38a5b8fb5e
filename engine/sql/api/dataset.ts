// The typed Dataset API (Spark's Dataset[T]; df.as<T>()): map / flatMap / filter / mapPartitions
// and groupByKey run TypeScript functions over row objects on the workers (their closures are
// shipped). As in Spark, typed operations are lazy transformations: they build on df.rdd (itself
// lazy), and only the actions (collect, count, first, take, reduce, foreach, show) run jobs.

import { WorkbenchError } from "../../common/errors";
import type { RDD } from "../../rdd";
import type { Column } from "./column";
import type { DataFrame, Row } from "./dataframe";
import type { SchemaArg } from "./sql-session";

export class Dataset<T> {
  private rddMemo?: RDD<T>;

  /**
   * @param df the DataFrame whose rows (as objects) this Dataset holds, or whose schema the rows
   *   still have (after a typed filter);
   * @param source the rows, when typed operations were applied (lazy RDD), else df's rows;
   * @param sameSchema the rows still have df's schema (true for as<T>() and typed filter).
   */
  constructor(readonly df: DataFrame, private readonly source?: () => RDD<T>, private readonly sameSchema = true) {}

  /** The rows as a lazy RDD (nothing runs until an action). */
  get rdd(): RDD<T> {
    return (this.rddMemo ??= this.source ? this.source() : (this.df.rdd as unknown as RDD<T>));
  }

  private derive<U>(f: (r: RDD<T>) => RDD<U>, sameSchema = false): Dataset<U> {
    return new Dataset<U>(this.df, () => f(this.rdd), sameSchema);
  }

  // ---- typed transformations (lazy) -------------------------------------------------------------

  map<U>(f: (row: T) => U): Dataset<U> { return this.derive((r) => r.map(f)); }
  flatMap<U>(f: (row: T) => Iterable<U>): Dataset<U> { return this.derive((r) => r.flatMap(f)); }
  mapPartitions<U>(f: (rows: IterableIterator<T>) => Iterable<U>): Dataset<U> { return this.derive((r) => r.mapPartitions(f)); }
  /** A typed predicate, or (like Spark's Dataset.filter(Column)) a Column / SQL condition. */
  filter(condition: ((row: T) => boolean) | Column | string): Dataset<T> {
    if (typeof condition !== "function") {
      if (this.source) throw new WorkbenchError("UNSUPPORTED_OPERATION", "A Column condition applies to a Dataset's columns: call it before typed map/flatMap, or use a typed predicate.");
      return new Dataset<T>(this.df.filter(condition));
    }
    return this.derive((r) => r.filter(condition), this.sameSchema);
  }
  where(condition: Column | string): Dataset<T> { return this.filter(condition); }
  groupByKey<K>(key: (row: T) => K): KeyValueGroupedDataset<K, T> {
    return new KeyValueGroupedDataset<K, T>(this.df, () => this.rdd.groupBy(key) as unknown as RDD<[K, T[]]>);
  }
  limit(n: number): Dataset<T> {
    if (this.source) return new Dataset<T>(this.df, () => this.rdd.mapPartitions((it) => firstN(it, n)).coalesce(1).mapPartitions((it) => firstN(it, n)), this.sameSchema);
    return new Dataset<T>(this.df.limit(n));
  }

  // ---- actions --------------------------------------------------------------------------------------

  async collect(): Promise<T[]> {
    return this.source ? this.rdd.collect() : ((await this.df.collect()) as T[]);
  }
  async count(): Promise<number> { return this.source ? this.rdd.count() : this.df.count(); }
  async take(n: number): Promise<T[]> { return this.source ? this.limit(n).collect() : ((await this.df.take(n)) as T[]); }
  async first(): Promise<T | null> { return (await this.take(1))[0] ?? null; }
  async head(): Promise<T | null> { return this.first(); }
  async reduce(f: (a: T, b: T) => T): Promise<T> { return this.rdd.reduce(f); }
  async foreach(f: (row: T) => void): Promise<void> { for (const r of await this.collect()) f(r); }
  async show(n = 20, truncate: number | boolean = true): Promise<void> { return this.toDF().show(n, truncate); }

  /**
   * Back to a DataFrame. Rows that still have the original schema need no argument; after a typed
   * map give the schema (StructType or DDL "a int, b string"), as the workbench has no encoders.
   */
  toDF(schema?: SchemaArg): DataFrame {
    if (!this.source && schema === undefined) return this.df;
    const s = schema ?? (this.sameSchema ? this.df.schema : undefined);
    if (s === undefined) {
      throw new WorkbenchError("UNSUPPORTED_OPERATION", "Dataset.toDF() after a typed map needs the rows' schema: ds.toDF(\"a int, b string\") (TypeScript types are not available at run time).");
    }
    return this.df.sparkSession.createDataFrame(this.rdd as unknown as RDD<unknown>, s);
  }
}

function* firstN<T>(it: Iterator<T>, n: number): Generator<T> {
  let i = 0;
  for (let r = it.next(); i < n && !r.done; r = it.next(), i++) yield r.value;
}

/** ds.groupByKey(f): lazy per-key operations over the grouped rows. */
export class KeyValueGroupedDataset<K, V> {
  constructor(private readonly df: DataFrame, private readonly grouped: () => RDD<[K, V[]]>) {}
  private ds<U>(f: (g: RDD<[K, V[]]>) => RDD<U>): Dataset<U> { return new Dataset<U>(this.df, () => f(this.grouped()), false); }

  /** f gets the key and the group's rows (an array). */
  mapGroups<U>(f: (key: K, rows: V[]) => U): Dataset<U> { return this.ds((g) => g.map(([k, vs]) => f(k, vs))); }
  flatMapGroups<U>(f: (key: K, rows: V[]) => Iterable<U>): Dataset<U> { return this.ds((g) => g.flatMap(([k, vs]) => f(k, vs))); }
  /** [key, number of rows] pairs (Spark's Dataset[(K, Long)]). */
  count(): Dataset<[K, number]> { return this.ds((g) => g.map(([k, vs]) => [k, vs.length] as [K, number])); }
  reduceGroups(f: (a: V, b: V) => V): Dataset<[K, V]> { return this.ds((g) => g.map(([k, vs]) => [k, vs.reduce(f)] as [K, V])); }
  keys(): Dataset<K> { return this.ds((g) => g.map(([k]) => k)); }
  mapValues<W>(f: (v: V) => W): KeyValueGroupedDataset<K, W> {
    return new KeyValueGroupedDataset<K, W>(this.df, () => this.grouped().map(([k, vs]) => [k, vs.map(f)] as [K, W[]]));
  }
}

export type { Row };
