// The embedded engine against local Spark through Spark Connect (issue 15), same queries, same run:
// - connect.trivial: SELECT 1 (the per-query overhead a student feels at every cell);
// - connect.groupby: a group-by over 1M generated rows (100 groups);
// - connect.join: 1M rows joined with 100k on a key, counted.
// Medians of repeated runs after a warm-up; the value is the embedded engine's time, the baseline
// Spark's (4.0.1 from the pinned PySpark, a local Spark Connect server on this machine).
// `npm run bench connect.trivial connect.groupby connect.join`. Prints, never asserts.

import { SparkSession, type DataFrame, type RemoteSparkSession } from "../../engine/index";
import { javaMissing, startConnectServer, type ConnectServer } from "../connect/connect-server";
import { median } from "./stats";
import type { BenchResult } from "./run";

interface Pair { embedded: SparkSession; remote: RemoteSparkSession; server: ConnectServer }
let pair: Promise<Pair> | undefined;

/** One embedded session (local[2]) and one Spark Connect server for the three benchmarks. */
function sessions(): Promise<Pair> {
  pair ??= (async () => {
    const missing = javaMissing();
    if (missing) throw new Error(`${missing}: no Spark Connect server to compare with`);
    const server = await startConnectServer({ "spark.sql.shuffle.partitions": "4" });
    const remote = await SparkSession.builder().remote(server.url).getOrCreate();
    const embedded = await SparkSession.builder().master("local[2]").appName("connect-bench").config("spark.sql.shuffle.partitions", 4).getOrCreate();
    process.once("beforeExit", () => { void remote.stop().catch(() => undefined); void embedded.stop(); void server.stop(); });
    return { embedded, remote, server };
  })();
  return pair;
}

async function timeMs(run: () => Promise<unknown>, reps: number): Promise<number> {
  await run(); // warm-up (JIT, class loading on the server)
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

function compare(name: string, query: (s: { range(a: number, b?: number, c?: number, d?: number): DataFrame; sql(q: string): DataFrame }) => Promise<unknown>, reps: number) {
  return async (): Promise<BenchResult> => {
    const { embedded, remote } = await sessions();
    const mine = await timeMs(() => query(embedded), reps);
    const spark = await timeMs(() => query(remote as unknown as SparkSession), reps);
    return {
      name, value: mine, unit: "ms (median)", baseline: spark, baselineName: "Spark 4.0.1 through Spark Connect, same run", ratio: mine / spark,
      target: "embedded faster than Spark on small data (ratio < 1)", pass: mine < spark,
    };
  };
}

export const benches = {
  "connect.trivial": compare("SELECT 1: a trivial query end to end", (s) => s.sql("SELECT 1 AS one").collect(), 30),
  "connect.groupby": compare("group-by over 1M rows (100 groups): sum and count", (s) =>
    s.range(0, 1_000_000, 1, 4).selectExpr("id % 100 AS k", "id").groupBy("k").agg({ id: "sum", k: "count" }).collect(), 7),
  "connect.join": compare("join 1M rows with 100k on a key, count", (s) => {
    const big = s.range(0, 1_000_000, 1, 4).selectExpr("id % 100000 AS k");
    const small = s.range(0, 100_000, 1, 2).selectExpr("id AS k", "id * 2 AS v");
    return big.join(small, "k").count();
  }, 5),
};
