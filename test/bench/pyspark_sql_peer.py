# The SQL benchmarks' queries (test/bench/sql-bench.ts) on PySpark (the pinned version in
# test/python/requirements.txt) in local[2], over the same DuckDB-written Parquet files: a warm-up
# run, then the median of three; then both again over the tables cached in memory (df.cache(), filled
# by a count, as the engine's cached benchmarks do). Prints one line `RESULT {json}` (times in milliseconds).
# usage: pyspark_sql_peer.py FACT_PARQUET DIM_PARQUET
import json
import statistics
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

fact_path, dim_path = sys.argv[1], sys.argv[2]
spark = (SparkSession.builder.master("local[2]").appName("workbench-sql-bench")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", "2g").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")


def groupby():
    return spark.read.parquet(fact_path).groupBy("k").agg(F.sum("v").alias("s"), F.avg("v").alias("a")).collect()


def join(f=None, d=None):
    f = f if f is not None else spark.read.parquet(fact_path)
    d = d if d is not None else spark.read.parquet(dim_path)
    return f.join(d, "d").agg(F.count("*").alias("n"), F.sum("w").alias("sw"), F.sum("v").alias("sv")).collect()


def timed(f):
    f()  # warm-up: the JVM's JIT, the file cache
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        r = f()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), r


g_ms, g_rows = timed(groupby)
j_ms, j_rows = timed(join)
j = j_rows[0]
cf = spark.read.parquet(fact_path).cache()
cd = spark.read.parquet(dim_path).cache()
cf.count()
cd.count()
cg_ms, cg_rows = timed(lambda: cf.groupBy("k").agg(F.sum("v").alias("s"), F.avg("v").alias("a")).collect())
cj_ms, cj_rows = timed(lambda: join(cf, cd))
ct_ms, ct_rows = timed(lambda: cf.select("id", "k", "v").orderBy(F.col("v").desc(), "id").limit(10).collect())
print("RESULT " + json.dumps({
    "version": spark.version,
    "groupby_ms": g_ms, "groupby_groups": len(g_rows),
    "join_ms": j_ms, "join": {"n": int(j["n"]), "sw": float(j["sw"]), "sv": float(j["sv"])},
    "cached_groupby_ms": cg_ms, "cached_groupby_groups": len(cg_rows),
    "cached_join_ms": cj_ms, "cached_join_n": int(cj_rows[0]["n"]),
    "cached_topk_ms": ct_ms, "cached_topk_ids": [int(r["id"]) for r in ct_rows],
}))
spark.stop()
