// The local workers' Node options: by default V8 optimizes on the executor thread itself when the
// machine has no core to spare for its background compiler; `spark.workbench.executor.nodeOptions`
// sets them (empty: none). Checked in the worker processes themselves: a task reads its process's
// options.
import { availableParallelism } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import type { SparkSession } from "../../engine/index";
import { executorNodeOptions } from "../../engine/session/embedded-cluster";
import { SparkConf, parseMaster } from "../../engine/session/spark-conf";
import { startSession } from "./helpers";

const conf = (kv: Record<string, string> = {}): SparkConf => {
  const c = new SparkConf();
  for (const [k, v] of Object.entries(kv)) c.set(k, v);
  return c;
};

describe("executor node options", () => {
  it("V8 compiles on the executor thread only when the executor threads take every core", () => {
    expect(executorNodeOptions(conf(), parseMaster("local[2]"), 2)).toEqual(["--no-concurrent-recompilation"]);
    expect(executorNodeOptions(conf(), parseMaster("local-cluster[2,2,1024]"), 4)).toEqual(["--no-concurrent-recompilation"]);
    expect(executorNodeOptions(conf(), parseMaster("local[2]"), 4)).toEqual([]);
    expect(executorNodeOptions(conf(), parseMaster("local[4]"), 8)).toEqual([]);
  });

  it("spark.workbench.executor.nodeOptions replaces the default; empty means none", () => {
    expect(executorNodeOptions(conf({ "spark.workbench.executor.nodeOptions": "" }), parseMaster("local[2]"), 2)).toEqual([]);
    expect(executorNodeOptions(conf({ "spark.workbench.executor.nodeOptions": " --max-semi-space-size=32  --stack-size=2000 " }), parseMaster("local[2]"), 2))
      .toEqual(["--max-semi-space-size=32", "--stack-size=2000"]);
  });

  let spark: SparkSession | undefined;
  afterEach(async () => { await spark?.stop(); spark = undefined; });

  const workerOptions = async (s: SparkSession): Promise<string[]> =>
    (await s.sparkContext.parallelize([0, 1], 2).map(() => process.execArgv.filter((a) => a.startsWith("--") && !a.startsWith("--import")).join(" ")).collect()) as string[];

  it("the worker processes run with them (executor threads included)", async () => {
    ({ spark } = await startSession("local[2]", { "spark.workbench.executor.nodeOptions": "--max-semi-space-size=32" }));
    for (const o of await workerOptions(spark)) expect(o.split(" ")).toContain("--max-semi-space-size=32");
    await spark.stop();
    ({ spark } = await startSession("local[2]"));
    const expected = availableParallelism() <= 2;
    for (const o of await workerOptions(spark)) expect(o.split(" ").includes("--no-concurrent-recompilation")).toBe(expected);
  }, 60_000);
});
