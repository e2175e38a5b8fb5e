import { SparkSession } from "./engine/index";
const spark = await SparkSession.builder().master("local[2]").getOrCreate();
const sc = spark.sparkContext;
await sc.parallelize([1, 2, 3], 2).count();
await sc.parallelize([] as number[], 2000).count();
const t = performance.now();
for (let i = 0; i < 3; i++) await sc.parallelize([] as number[], 4000).count();
console.log("ms per 4000", ((performance.now() - t) / 3).toFixed(0));
await spark.stop();
