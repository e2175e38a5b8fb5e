"""The Structured Streaming guide's watermark example on real PySpark: the four triggers are
written as JSON files to a directory read with maxFilesPerTrigger=1; every batch's output is
printed as JSON ({batchId: ["HH:MM-HH:MM word count", ...]}) for the differential test."""
import json
import os
import sys

from pyspark.sql import functions as F

from stream_peer import feed, local_spark, source_dir

mode, workdir, feed_json = sys.argv[1], sys.argv[2], sys.argv[3]
triggers = json.loads(feed_json)
spark = local_spark("guide-watermark")
src = source_dir(workdir)
counts = (spark.readStream.schema("word STRING, ts TIMESTAMP").option("maxFilesPerTrigger", 1).json(src)
          .withWatermark("ts", "10 minutes").groupBy(F.window("ts", "10 minutes", "5 minutes"), "word").count())
out = {}


def each_batch(df, batch_id):
    out[batch_id] = sorted(f"{r.window.start:%H:%M}-{r.window.end:%H:%M} {r.word} {r['count']}" for r in df.collect())


q = (counts.writeStream.outputMode(mode).foreachBatch(each_batch)
     .option("checkpointLocation", os.path.join(workdir, "cp")).start())
feed(q, workdir, triggers, lambda e: {"word": e[0], "ts": f"2026-01-01T{e[1]}:00.000Z"})
q.stop()
spark.stop()
print("RESULT " + json.dumps(out))
