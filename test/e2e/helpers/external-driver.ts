// A driver with no local workers (master "driver"), for the `workbench worker` test: prints its
// URL and token, waits for an external worker to join, runs one job on it, prints the result as
// JSON lines, then stops the session. Run with `node --import tsx`.

import { SparkSession } from "../../../engine/index";

const say = (o: unknown) => process.stdout.write(JSON.stringify(o) + "\n");

const spark = await SparkSession.builder().master("driver").appName("external-worker-test").getOrCreate();
say({ driverUrl: spark.cluster.driverUrl, token: spark.cluster.token });

const deadline = Date.now() + 120_000;
while (!spark.cluster.workers().some((w) => w.state === "ALIVE")) {
  if (Date.now() > deadline) throw new Error("no worker joined within 120 s");
  await new Promise((r) => setTimeout(r, 100));
}
const worker = spark.cluster.workers().find((w) => w.state === "ALIVE")!;
const result = await spark.sparkContext.parallelize([1, 2, 3, 4], 2).map((x) => x * 10).collect();
const ranOn = [...new Set(spark.lastJob()!.tasks().map((t) => t.workerId))];
say({ worker: { id: worker.id, pid: worker.pid, slots: worker.slots }, result, ranOn });
await spark.stop();
say({ stopped: true });
