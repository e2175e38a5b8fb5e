# test/bench/streaming-bench.ts's query on PySpark (the pinned version in
# test/python/requirements.txt) in local[2]: a windowed count over the rate source, update mode,
# the noop sink (Spark runs the batch for it; a foreachBatch that never reads its DataFrame would
# not compute anything); throughput as rows per second of trigger time, from the query's
# progress, after 15 s of warm-up.
# Prints one line `RESULT {json}`.
# usage: pyspark_streaming_peer.py ROWS_PER_SECOND SECONDS
import json
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

rps, seconds = int(sys.argv[1]), float(sys.argv[2])
spark = (SparkSession.builder.master("local[2]").appName("workbench-streaming-bench")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.shuffle.partitions", "2").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")

stream = spark.readStream.format("rate").option("rowsPerSecond", rps).option("numPartitions", 2).load()
q = (stream.withWatermark("timestamp", "10 seconds").groupBy(F.window("timestamp", "1 second")).count()
     .writeStream.outputMode("update").format("noop").start())
# The JVM's start and first batches (code generation) are left out: PySpark's steady state.
time.sleep(15)
skip = len(q.recentProgress)
time.sleep(seconds)
q.stop()
data = [p for p in q.recentProgress[skip:] if p["numInputRows"] > 0]
rows = sum(p["numInputRows"] for p in data)
ms = sum(p["durationMs"].get("triggerExecution", 0) for p in data)
print("RESULT " + json.dumps({"version": spark.version, "rows": rows, "batches": len(data), "rows_per_s": rows / ms * 1000 if ms else 0}))
spark.stop()
