// Flink's DataStream API in TypeScript: DataStream, KeyedStream, WindowedStream and sinks. Each
// call records a transformation node; StreamExecutionEnvironment.execute compiles the nodes
// reachable from the sinks into a job graph (job-graph.ts).

import { AnalysisError } from "../common/errors";
import type { TNode } from "./job-graph";
import type { JobClient, SinkHolder } from "./job-client";
import type { OperatorSpec, Partitioning } from "./types";
import { CountTrigger, GlobalWindows, PurgingTrigger, type TriggerSpec, type WatermarkStrategy, type WindowAssignerSpec } from "./windows";

/** What a DataStream needs from its environment. */
export interface StreamGraphBuilder {
  newNodeId(): number;
  newSink(kind: SinkHolder["kind"], path?: string): SinkHolder;
  addSinkNode(n: TNode): void;
  execute(name?: string): Promise<JobClient>;
}

/** Flink's OutputTag: names a side output. */
export class OutputTag<T = unknown> {
  constructor(readonly id: string, readonly _type?: T) {
    if (typeof id !== "string" || !id) throw new AnalysisError("INVALID_PARAMETER_VALUE", "an OutputTag needs a non-empty id");
  }
}

/** A sink whose committed records the notebook reads (Flink's test CollectSink). */
export class CollectSink<T = unknown> {
  holder?: SinkHolder;
  get values(): T[] { return (this.holder?.values ?? []) as T[]; }
}
/** Appends each committed record as a line to a file (written by the coordinator at commit). */
export class StreamingFileSink {
  constructor(readonly path: string) {}
  static forRowFormat(path: string): StreamingFileSink { return new StreamingFileSink(path); }
}

type Fn = ((...a: any[]) => any) | Record<string, any>;
type KeySel<T> = ((v: T) => unknown) | string | number;

function keySelector<T>(k: KeySel<T>): (v: unknown) => unknown {
  if (typeof k === "function") return k as (v: unknown) => unknown;
  if (typeof k === "string" || typeof k === "number") { const f = k; return (v: any) => v[f]; }
  throw new AnalysisError("INVALID_PARAMETER_VALUE", "keyBy needs a key selector function or a field name/index");
}

/** The reducer behind min/max/minBy/maxBy: `better(b, a)` says whether b's field beats a's. */
function pick(field: string | number | undefined, better: (b: any, a: any) => boolean, whole: boolean): (a: any, b: any) => any {
  const get = (x: any) => (field === undefined ? x : x[field]);
  return (a, b) => {
    if (field === undefined || whole) return better(get(b), get(a)) ? b : a;
    if (!better(get(b), get(a))) return a;
    return Array.isArray(a) ? a.map((x: unknown, i: number) => (i === field ? b[i] : x)) : { ...a, [field]: b[field] };
  };
}

function checkFn(fn: unknown, what: string, method: string): void {
  if (typeof fn === "function") return;
  if (fn && typeof fn === "object" && typeof (fn as Record<string, unknown>)[method] === "function") return;
  throw new AnalysisError("INVALID_PARAMETER_VALUE", `${what} needs a function or an object with a ${method}() method`);
}

export class DataStream<T = unknown> {
  constructor(protected readonly env: StreamGraphBuilder, readonly node: TNode) {}

  protected op(kind: OperatorSpec["kind"], name: string, fn: unknown, args: Record<string, unknown> | undefined, partitioning: Partitioning = "forward", keySel?: (v: unknown) => unknown, tag?: string): TNode {
    const id = this.env.newNodeId();
    return { id, kind: "op", name, op: { id, kind, name, fn, args }, inputs: [{ node: this.node, partitioning, keySelector: keySel, tag }], consumers: 0 };
  }
  protected wrap<U>(n: TNode): DataStream<U> { return new DataStream<U>(this.env, n); }

  map<U>(fn: ((v: T) => U) | { map(v: T): U }, name = "Map"): DataStream<U> { checkFn(fn, "map", "map"); return this.wrap(this.op("map", name, fn, undefined)); }
  flatMap<U>(fn: ((v: T, out: { collect(x: U): void }) => Iterable<U> | void) | { flatMap(v: T, out: { collect(x: U): void }): void }, name = "FlatMap"): DataStream<U> { checkFn(fn, "flatMap", "flatMap"); return this.wrap(this.op("flatMap", name, fn, undefined)); }
  filter(fn: ((v: T) => boolean) | { filter(v: T): boolean }, name = "Filter"): DataStream<T> { checkFn(fn, "filter", "filter"); return this.wrap(this.op("filter", name, fn, undefined)); }
  /** ProcessFunction: processElement(value, ctx, out) (ctx.output(tag, v) for side outputs). */
  process<U>(fn: Fn, name = "Process"): SingleOutputStreamOperator<U> { checkFn(fn, "process", "processElement"); return new SingleOutputStreamOperator<U>(this.env, this.op("process", name, fn, undefined)); }
  keyBy<K = unknown>(key: KeySel<T>): KeyedStream<T, K> { return new KeyedStream<T, K>(this.env, this.node, keySelector(key)); }
  rebalance(): DataStream<T> { return new PartitionedStream<T>(this.env, this.node, "rebalance"); }
  /** Two streams into one two-input operator that sees which input each record came from (ConnectedStreams). */
  connect<U>(other: DataStream<U>): ConnectedStreams<T, U> {
    if (!(other instanceof DataStream)) throw new AnalysisError("INVALID_PARAMETER_VALUE", "connect needs another DataStream");
    return new ConnectedStreams<T, U>(this.env, this.edge(), other.edge());
  }
  /** @internal how this stream feeds a consumer */
  edge(): ConnectedInput { return { node: this.node, partitioning: "forward" }; }
  union(...others: DataStream<T>[]): DataStream<T> {
    const id = this.env.newNodeId();
    return this.wrap({ id, kind: "union", name: "Union", inputs: [this, ...others].map((s) => ({ node: s.node, partitioning: "forward" as Partitioning })), consumers: 0 });
  }
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy): DataStream<T> {
    if (!strategy || !(strategy as { spec?: unknown }).spec) throw new AnalysisError("INVALID_PARAMETER_VALUE", "assignTimestampsAndWatermarks needs a WatermarkStrategy");
    return this.wrap(this.op("timestamps", "Timestamps/Watermarks", undefined, { strategy: { ...strategy.spec } }));
  }
  setParallelism(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new AnalysisError("INVALID_PARAMETER_VALUE", `parallelism must be a positive integer, got ${n}`);
    this.node.parallelism = n;
    return this;
  }
  name(n: string): this { this.node.name = n; if (this.node.op) this.node.op.name = n; return this; }
  uid(_id: string): this { return this; }

  // ---- sinks
  sinkTo(sink: CollectSink<T> | StreamingFileSink, name = "Sink"): DataStreamSink<T> {
    const holder = sink instanceof StreamingFileSink ? this.env.newSink("file", sink.path) : this.env.newSink("collect");
    if (sink instanceof CollectSink) sink.holder = holder;
    return this.addSinkNode(holder, name);
  }
  addSink(sink: CollectSink<T> | StreamingFileSink, name = "Sink"): DataStreamSink<T> { return this.sinkTo(sink, name); }
  print(name = "Print to Std. Out"): DataStreamSink<T> { return this.addSinkNode(this.env.newSink("print"), name); }
  private addSinkNode(holder: SinkHolder, name: string): DataStreamSink<T> {
    const n = this.op("sink", name, undefined, { sinkId: holder.id });
    this.env.addSinkNode(n);
    return new DataStreamSink<T>(n, holder);
  }
  /** Runs the job with a collect sink and returns the committed records (Flink's executeAndCollect). */
  async executeAndCollect(jobName = "collect"): Promise<T[]> {
    const s = new CollectSink<T>();
    this.sinkTo(s, "Collect Sink");
    const client = await this.env.execute(jobName);
    await client.getJobExecutionResult();
    return s.values;
  }
}

type ConnectedInput = TNode["inputs"][number];

/** Flink's ConnectedStreams: map/flatMap/process with one method per input; keyBy(k1, k2) keys both inputs. */
export class ConnectedStreams<A, B> {
  constructor(private readonly env: StreamGraphBuilder, private readonly first: ConnectedInput, private readonly second: ConnectedInput) {}
  keyBy(key1: KeySel<A>, key2: KeySel<B>): ConnectedStreams<A, B> {
    return new ConnectedStreams<A, B>(this.env, { ...this.first, partitioning: "hash", keySelector: keySelector(key1) }, { ...this.second, partitioning: "hash", keySelector: keySelector(key2) });
  }
  private op<U>(kind: OperatorSpec["kind"], name: string, fn: unknown): SingleOutputStreamOperator<U> {
    const id = this.env.newNodeId();
    const n: TNode = { id, kind: "op", name, op: { id, kind, name, fn }, inputs: [{ ...this.first, side: 1 }, { ...this.second, side: 2 }], consumers: 0 };
    return new SingleOutputStreamOperator<U>(this.env, n);
  }
  /** CoMapFunction: map1(a) for the first input, map2(b) for the second. */
  map<U>(fn: { map1(a: A): U; map2(b: B): U }, name = "Co-Map"): SingleOutputStreamOperator<U> { checkFn(fn, "connect().map", "map1"); checkFn(fn, "connect().map", "map2"); return this.op("coMap", name, fn); }
  /** CoFlatMapFunction: flatMap1(a, out), flatMap2(b, out). */
  flatMap<U>(fn: { flatMap1(a: A, out: { collect(x: U): void }): void | Iterable<U>; flatMap2(b: B, out: { collect(x: U): void }): void | Iterable<U> }, name = "Co-Flat Map"): SingleOutputStreamOperator<U> {
    checkFn(fn, "connect().flatMap", "flatMap1"); checkFn(fn, "connect().flatMap", "flatMap2"); return this.op("coFlatMap", name, fn);
  }
  /** (Keyed)CoProcessFunction: processElement1(a, ctx, out), processElement2(b, ctx, out), onTimer; keyed state after keyBy. */
  process<U>(fn: Fn, name = "Co-Process"): SingleOutputStreamOperator<U> { checkFn(fn, "connect().process", "processElement1"); checkFn(fn, "connect().process", "processElement2"); return this.op("coProcess", name, fn); }
}

class PartitionedStream<T> extends DataStream<T> {
  constructor(env: StreamGraphBuilder, node: TNode, private readonly partitioning: Partitioning) { super(env, node); }
  override edge(): ConnectedInput { return { node: this.node, partitioning: this.partitioning }; }
  protected override op(kind: OperatorSpec["kind"], name: string, fn: unknown, args: Record<string, unknown> | undefined): TNode {
    return super.op(kind, name, fn, args, this.partitioning);
  }
}

export class DataStreamSink<T> {
  constructor(readonly node: TNode, readonly holder: SinkHolder) {}
  setParallelism(n: number): this { this.node.parallelism = n; return this; }
  name(n: string): this { this.node.name = n; return this; }
  /** The records committed so far. */
  get values(): T[] { return this.holder.values as T[]; }
}

/** A stream produced by an operator that may also have side outputs. */
export class SingleOutputStreamOperator<T> extends DataStream<T> {
  getSideOutput<U = unknown>(tag: OutputTag<U> | string): DataStream<U> {
    const t = typeof tag === "string" ? tag : tag.id;
    return new SideOutputStream<U>(this.env, this.node, t);
  }
}

class SideOutputStream<T> extends DataStream<T> {
  constructor(env: StreamGraphBuilder, node: TNode, private readonly tag: string) { super(env, node); }
  override edge(): ConnectedInput { return { node: this.node, partitioning: "forward", tag: this.tag }; }
  protected override op(kind: OperatorSpec["kind"], name: string, fn: unknown, args: Record<string, unknown> | undefined, partitioning: Partitioning = "forward", keySel?: (v: unknown) => unknown): TNode {
    return super.op(kind, name, fn, args, partitioning, keySel, this.tag);
  }
  override keyBy<K = unknown>(key: KeySel<T>): KeyedStream<T, K> {
    // a side output consumed keyed: route the tagged records by key
    const ks = new KeyedStream<T, K>(this.env, this.node, keySelector(key));
    (ks as unknown as { tag: string }).tag = this.tag;
    return ks;
  }
}

export class KeyedStream<T, K = unknown> extends DataStream<T> {
  private tag?: string;
  constructor(env: StreamGraphBuilder, node: TNode, readonly keySel: (v: unknown) => unknown) { super(env, node); }
  override edge(): ConnectedInput { return { node: this.node, partitioning: "hash", keySelector: this.keySel, ...(this.tag ? { tag: this.tag } : {}) }; }
  protected override op(kind: OperatorSpec["kind"], name: string, fn: unknown, args: Record<string, unknown> | undefined): TNode {
    return super.op(kind, name, fn, args, "hash", this.keySel, this.tag);
  }
  /** KeyedProcessFunction: processElement(value, ctx, out) and onTimer(ts, ctx, out); keyed state from open(ctx). */
  override process<U>(fn: Fn, name = "KeyedProcess"): SingleOutputStreamOperator<U> {
    checkFn(fn, "process", "processElement");
    return new SingleOutputStreamOperator<U>(this.env, this.op("keyedProcess", name, fn, undefined));
  }
  /** Rolling reduce per key: emits the new aggregate for every record. */
  reduce(fn: ((a: T, b: T) => T) | { reduce(a: T, b: T): T }, name = "Keyed Reduce"): DataStream<T> {
    checkFn(fn, "reduce", "reduce");
    return this.wrap(this.op("reduce", name, fn, undefined));
  }
  /** Rolling sum of a field (or of the values themselves). */
  sum(field?: string | number): DataStream<T> {
    const f = field;
    return this.reduce(f === undefined ? ((a: any, b: any) => a + b) as any : ((a: any, b: any) => (Array.isArray(a) ? a.map((x: any, i: number) => (i === f ? x + b[i] : x)) : { ...a, [f]: a[f] + b[f] })) as any, "Keyed Sum");
  }
  /** Rolling minimum of a field (the other fields are the first record's, as Flink's min). */
  min(field?: string | number): DataStream<T> { return this.reduce(pick(field, (nu, old) => nu < old, false) as any, "Keyed Min"); }
  max(field?: string | number): DataStream<T> { return this.reduce(pick(field, (nu, old) => nu > old, false) as any, "Keyed Max"); }
  /** Rolling record with the minimum field value (the first one on ties). */
  minBy(field?: string | number): DataStream<T> { return this.reduce(pick(field, (nu, old) => nu < old, true) as any, "Keyed MinBy"); }
  maxBy(field?: string | number): DataStream<T> { return this.reduce(pick(field, (nu, old) => nu > old, true) as any, "Keyed MaxBy"); }
  /** Tumbling count windows: every `size` records of a key form a window (GlobalWindows + PurgingTrigger.of(CountTrigger.of(size))); a last incomplete window never fires. */
  countWindow(size: number): WindowedStream<T, K> {
    return this.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(size)));
  }
  window(assigner: WindowAssignerSpec): WindowedStream<T, K> {
    if (!assigner || !["tumbling", "sliding", "session", "global"].includes((assigner as WindowAssignerSpec).type)) throw new AnalysisError("INVALID_PARAMETER_VALUE", "window() needs a window assigner: TumblingEventTimeWindows.of(..), SlidingEventTimeWindows.of(..), EventTimeSessionWindows.withGap(..) or their ProcessingTime versions");
    return new WindowedStream<T, K>(this, assigner);
  }
  /** @internal */
  makeOp(kind: OperatorSpec["kind"], name: string, fn: unknown, args: Record<string, unknown>): TNode { return this.op(kind, name, fn, args); }
  /** @internal */
  get builder(): StreamGraphBuilder { return this.env; }
}

export class WindowedStream<T, K = unknown> {
  private lateness = 0;
  private lateTag?: string;
  private trig?: TriggerSpec;
  constructor(private readonly keyed: KeyedStream<T, K>, private readonly assigner: WindowAssignerSpec) {}
  allowedLateness(ms: number): this {
    if (!(ms >= 0)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `allowedLateness must be >= 0 ms, got ${ms}`);
    this.lateness = ms; return this;
  }
  sideOutputLateData(tag: OutputTag | string): this { this.lateTag = typeof tag === "string" ? tag : tag.id; return this; }
  /** Replace the window's default trigger (EventTimeTrigger / ProcessingTimeTrigger). */
  trigger(t: TriggerSpec): this {
    if (!t || !["event", "processing", "count", "continuousEvent", "continuousProcessing"].includes(t.kind)) throw new AnalysisError("INVALID_PARAMETER_VALUE", "trigger() needs a trigger such as CountTrigger.of(n), ContinuousEventTimeTrigger.of(ms) or PurgingTrigger.of(...)");
    this.trig = { ...t }; return this;
  }
  private make<U>(fnKind: string, fn: unknown, name: string): SingleOutputStreamOperator<U> {
    const n = this.keyed.makeOp("window", name, fn, { assigner: { ...this.assigner }, fnKind, allowedLateness: this.lateness, lateTag: this.lateTag, trigger: this.trig });
    return new SingleOutputStreamOperator<U>(this.keyed.builder, n);
  }
  reduce(fn: ((a: T, b: T) => T) | { reduce(a: T, b: T): T }): SingleOutputStreamOperator<T> { checkFn(fn, "window reduce", "reduce"); return this.make("reduce", fn, "Window(Reduce)"); }
  /** AggregateFunction: createAccumulator(), add(value, acc), getResult(acc), merge(a, b). */
  aggregate<A, R>(fn: { createAccumulator(): A; add(v: T, acc: A): A; getResult(acc: A): R; merge(a: A, b: A): A }): SingleOutputStreamOperator<R> { checkFn(fn, "aggregate", "add"); return this.make("aggregate", fn, "Window(Aggregate)"); }
  /** ProcessWindowFunction: process(key, context{window}, elements, out). */
  process<R>(fn: ((key: K, ctx: { window: { start: number; end: number } }, elements: T[], out: { collect(x: R): void }) => void) | { process(key: K, ctx: { window: { start: number; end: number } }, elements: T[], out: { collect(x: R): void }): void }): SingleOutputStreamOperator<R> {
    checkFn(fn, "window process", "process");
    return this.make("process", fn, "Window(Process)");
  }
}
