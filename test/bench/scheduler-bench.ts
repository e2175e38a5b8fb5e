// The scheduler, measured, with PySpark (local[2], the pinned version) as the peer in the same run:
// - empty tasks per second through the DAG scheduler and the workers (a count over an empty RDD
//   of 4,000 partitions, after two warm-up runs of it; PySpark's figure is Spark's scheduler with tasks that stay in the JVM,
//   since each of its RDD tasks also goes through a Python worker, reported beside it);
// - the scheduling overhead of a 100-stage job (a chain of shuffles over two records);
// - the trivial job's latency (parallelize 1,000 ints, map, collect) against PySpark's.
// `npm run bench scheduler.tasks scheduler.stages trivial.pyspark`. Prints, never asserts.

import { SparkSession } from "../../engine/index";
import type { RDD } from "../../engine/index";
import { pysparkPeer } from "./pyspark-peer";
import { median } from "./stats";
import type { BenchResult } from "./run";

const EMPTY_TASKS = 4000;
const STAGES = 100;

async function ms(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

interface Figures { trivialMs: number; emptyMs: number; stagesMs: number }
interface Peer { version: string; trivial_ms: number; empty_ms: number; rdd_tasks: number; rdd_empty_ms: number; stages_ms: number }

async function ours(): Promise<Figures> {
  const spark = await SparkSession.builder().master("local[2]").appName("scheduler-bench").getOrCreate();
  const sc = spark.sparkContext;
  try {
    const chain = () => {
      // A fresh lineage each time, as in the PySpark script.
      let rdd: RDD<[number, number]> = sc.parallelize<[number, number]>([[1, 1], [2, 2]], 2);
      for (let i = 0; i < STAGES - 1; i++) rdd = rdd.reduceByKey((a: number, b: number) => a + b, 2 + (i % 2));
      return rdd.count();
    };
    for (let i = 0; i < 5; i++) await sc.parallelize(Array.from({ length: 1000 }, (_, j) => j), 2).map((x: number) => x * 2).collect();
    await sc.parallelize<number>([], 200).count();
    await chain();
    const trivial: number[] = [];
    for (let i = 0; i < 20; i++) trivial.push(await ms(() => sc.parallelize(Array.from({ length: 1000 }, (_, j) => j), 2).map((x: number) => x * 2).collect()));
    // Two warm-up runs of the same job first (as on PySpark's side): the three processes' code is
    // still being optimised over the first few thousand tasks (a cold run takes about twice as long).
    for (let i = 0; i < 2; i++) await sc.parallelize<number>([], EMPTY_TASKS).count();
    const empty: number[] = [];
    for (let i = 0; i < 3; i++) empty.push(await ms(() => sc.parallelize<number>([], EMPTY_TASKS).count()));
    const stages: number[] = [];
    for (let i = 0; i < 3; i++) stages.push(await ms(chain));
    return { trivialMs: median(trivial), emptyMs: median(empty), stagesMs: median(stages) };
  } finally {
    await spark.stop();
  }
}

let measured: Promise<{ ours: Figures; peer?: Peer; why?: string }> | undefined;
/** One measurement shared by the three benches: ours, then PySpark's (never both at once). */
function measure(): Promise<{ ours: Figures; peer?: Peer; why?: string }> {
  measured ??= (async () => {
    const o = await ours();
    const p = pysparkPeer<Peer>("pyspark_peer.py", [String(EMPTY_TASKS), String(STAGES)], 600_000);
    return typeof p === "string" ? { ours: o, why: p } : { ours: o, peer: p };
  })();
  return measured;
}

export const benches: Record<string, () => Promise<BenchResult>> = {
  async "scheduler.tasks"() {
    const { ours: o, peer, why } = await measure();
    const rate = (EMPTY_TASKS / o.emptyMs) * 1000;
    const peerRate = peer ? (EMPTY_TASKS / peer.empty_ms) * 1000 : undefined;
    return {
      name: `empty tasks per second through the scheduler and the workers (count over ${EMPTY_TASKS} empty partitions, local[2])`,
      value: rate, unit: "tasks/s", baseline: peerRate, baselineName: peer ? `PySpark ${peer.version} local[2]` : undefined,
      ratio: peerRate ? rate / peerRate : undefined, target: ">= 10000 tasks/s", pass: rate >= 10_000,
      note: `job ${o.emptyMs.toFixed(0)} ms${peer ? `; PySpark ${peer.empty_ms.toFixed(0)} ms with JVM-only tasks (spark.range(0, ${EMPTY_TASKS}, 1, ${EMPTY_TASKS}).count()); its RDD API, whose tasks each go through a Python worker: ${peer.rdd_tasks} empty tasks in ${peer.rdd_empty_ms.toFixed(0)} ms (${((peer.rdd_tasks / peer.rdd_empty_ms) * 1000).toFixed(0)} tasks/s)` : `; ${why}`}`,
    };
  },
  async "scheduler.stages"() {
    const { ours: o, peer, why } = await measure();
    return {
      name: `a ${STAGES}-stage job over two records (a chain of shuffles, local[2]): scheduling overhead`,
      value: o.stagesMs, unit: "ms", baseline: peer?.stages_ms, baselineName: peer ? `PySpark ${peer.version} local[2]` : undefined,
      ratio: peer ? o.stagesMs / peer.stages_ms : undefined, target: "at least as fast as PySpark (ratio <= 1)", pass: peer ? o.stagesMs <= peer.stages_ms : undefined,
      note: `${(o.stagesMs / STAGES).toFixed(2)} ms per stage${peer ? "" : `; ${why}`}`,
    };
  },
  async "trivial.pyspark"() {
    const { ours: o, peer, why } = await measure();
    return {
      name: "trivial job (parallelize 1,000 ints, map, collect; warm local[2]) against PySpark",
      value: o.trivialMs, unit: "ms median", baseline: peer?.trivial_ms, baselineName: peer ? `PySpark ${peer.version} local[2]` : undefined,
      ratio: peer ? o.trivialMs / peer.trivial_ms : undefined, target: ">= 20x faster than PySpark (ratio <= 0.05)", pass: peer ? o.trivialMs * 20 <= peer.trivial_ms : undefined,
      note: peer ? `${(peer.trivial_ms / o.trivialMs).toFixed(1)}x faster` : why,
    };
  },
};
