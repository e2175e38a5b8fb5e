# The same small workloads as test/bench/scheduler-bench.ts, on PySpark (the pinned version in
# test/python/requirements.txt) in local[2]: the peer a student would otherwise use. Prints one
# line `RESULT {json}` with the timings in milliseconds.
# usage: pyspark_peer.py EMPTY_TASKS STAGES
import json
import statistics
import sys
import time

from pyspark.sql import SparkSession

empty_tasks, stages = int(sys.argv[1]), int(sys.argv[2])
spark = (SparkSession.builder.master("local[2]").appName("workbench-bench")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate())
sc = spark.sparkContext
sc.setLogLevel("ERROR")


def ms(f):
    t = time.perf_counter()
    f()
    return (time.perf_counter() - t) * 1000


def stage_chain(n):
    # A fresh lineage each time: a second action on the same RDD would skip the shuffled stages.
    rdd = sc.parallelize([(1, 1), (2, 2)], 2)
    for i in range(n - 1):
        rdd = rdd.reduceByKey(lambda a, b: a + b, 2 + i % 2)
    return rdd.count()


# Warm up the JVM, the Python workers and the scheduler.
for _ in range(5):
    sc.parallelize(range(1000), 2).map(lambda x: x * 2).collect()
spark.range(0, 200, 1, 200).count()
stage_chain(10)

trivial = [ms(lambda: sc.parallelize(range(1000), 2).map(lambda x: x * 2).collect()) for _ in range(20)]
# Spark's scheduler with tasks that stay in the JVM (one row per partition, counted): an RDD task
# in PySpark also pays a Python worker round trip, measured apart on fewer tasks.
# Two warm-up runs of the same job first (as the workbench's side does): both schedulers speed up
# over the first few thousand tasks.
for _ in range(2):
    spark.range(0, empty_tasks, 1, empty_tasks).count()
empty = [ms(lambda: spark.range(0, empty_tasks, 1, empty_tasks).count()) for _ in range(3)]
rdd_tasks = 200
rdd_empty = ms(lambda: sc.parallelize([], rdd_tasks).count())
chain = ms(lambda: stage_chain(stages))
print("RESULT " + json.dumps({
    "version": spark.version,
    "trivial_ms": statistics.median(trivial),
    "empty_ms": statistics.median(empty),
    "rdd_tasks": rdd_tasks,
    "rdd_empty_ms": rdd_empty,
    "stages_ms": chain,
}))
spark.stop()
