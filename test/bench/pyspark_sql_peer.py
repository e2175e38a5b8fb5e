# The SQL benchmarks' queries (test/bench/sql-bench.ts) on PySpark (the pinned version in
# test/python/requirements.txt) in local[2], over the same DuckDB-written Parquet files: a warm-up
# run, then the median of three. Prints one line `RESULT {json}` (times in milliseconds).
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


def join():
    f = spark.read.parquet(fact_path)
    d = spark.read.parquet(dim_path)
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
print("RESULT " + json.dumps({
    "version": spark.version,
    "groupby_ms": g_ms, "groupby_groups": len(g_rows),
    "join_ms": j_ms, "join": {"n": int(j["n"]), "sw": float(j["sw"]), "sv": float(j["sv"])},
}))
spark.stop()
