# The engine benchmarks' RDD workloads (test/bench/engine-bench.ts) on PySpark (the pinned
# version in test/python/requirements.txt) in local[2], written as a student would write them.
# Prints one line `RESULT {json}` (times in milliseconds).
# usage: pyspark_engine_peer.py wordcount PATH | pyspark_engine_peer.py reducebykey N
import json
import sys
import time
from operator import add

from pyspark.sql import SparkSession

spark = (SparkSession.builder.master("local[2]").appName("workbench-engine-bench")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", "2g").getOrCreate())
sc = spark.sparkContext
sc.setLogLevel("ERROR")
sc.parallelize(range(1000), 2).map(lambda x: (x % 7, 1)).reduceByKey(add).collect()  # warm-up

what = sys.argv[1]
t = time.perf_counter()
if what == "wordcount":
    # str.split() splits on whitespace runs and skips empty tokens, as the engine's job does.
    out = {"distinct": len(sc.textFile(sys.argv[2]).flatMap(lambda l: l.split()).map(lambda w: (w, 1)).reduceByKey(add).collect())}
elif what == "reducebykey":
    n = int(sys.argv[2])
    out = {"keys": sc.range(0, n, 1, 4).map(lambda x: (x, 1)).reduceByKey(add, 4).count()}
else:
    raise SystemExit(f"unknown workload {what}")
out["ms"] = (time.perf_counter() - t) * 1000
out["version"] = spark.version
print("RESULT " + json.dumps(out))
spark.stop()
