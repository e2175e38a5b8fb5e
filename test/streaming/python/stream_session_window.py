"""session_window on a stream in real PySpark: triggers of [key, "HH:MM:SS", value] rows are
written as JSON files to a directory read with maxFilesPerTrigger=1, the query is
withWatermark("ts", argv[4]).groupBy(session_window("ts", argv[5]), "k").agg(count, sum) in
output mode argv[1]; every batch's output is printed as JSON
({batchId: ["HH:MM:SS-HH:MM:SS k n s", ...]}) for test/streaming/session-window.test.ts."""
import json
import os
import sys

from pyspark.sql import functions as F

from stream_peer import feed, local_spark, source_dir

mode, workdir, feed_json, delay, gap = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
triggers = json.loads(feed_json)
spark = local_spark("stream-session-window")
src = source_dir(workdir)
sessions = (spark.readStream.schema("k STRING, ts TIMESTAMP, v INT").option("maxFilesPerTrigger", 1).json(src)
            .withWatermark("ts", delay).groupBy(F.session_window("ts", gap), "k")
            .agg(F.count("*").alias("n"), F.sum("v").alias("s")))
out = {}


def each_batch(df, batch_id):
    out[batch_id] = sorted(f"{r.session_window.start:%H:%M:%S}-{r.session_window.end:%H:%M:%S} {r.k} {r.n} {r.s}" for r in df.collect())


q = (sessions.writeStream.outputMode(mode).foreachBatch(each_batch)
     .option("checkpointLocation", os.path.join(workdir, "cp")).start())
feed(q, workdir, triggers, lambda e: {"k": e[0], "ts": f"2026-01-01T{e[1]}.000Z", "v": e[2]})
q.stop()
spark.stop()
print("RESULT " + json.dumps(out))
