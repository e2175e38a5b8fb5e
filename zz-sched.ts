import { SparkSession } from "./engine/index";
const spark = await SparkSession.builder().master("local[2]").getOrCreate();
const sc = spark.sparkContext;
await sc.parallelize([1, 2, 3], 2).count();
for (const n of [1000, 4000, 4000]) {
  const t = performance.now();
  const c = await sc.parallelize([] as number[], n).count();
  const ms = performance.now() - t;
  console.log(n, "tasks", ms.toFixed(0), "ms", (n / ms * 1000).toFixed(0), "tasks/s", c);
}
// 100 stages
let r = sc.parallelize([[1, 1], [2, 2]], 2) as any;
for (let i = 0; i < 99; i++) r = r.reduceByKey((a: number, b: number) => a + b, 2);
const t = performance.now();
await r.count();
console.log("100-stage job", (performance.now() - t).toFixed(0), "ms");
await spark.stop();
