"""A stream-stream join with watermarks and a time-range condition on real PySpark (the
Structured Streaming guide's ad impressions and clicks): both streams read JSON files from
directories written before the query starts, one file per trigger and side (maxFilesPerTrigger=1,
so batch i reads file i of each side; an empty file when a side has no rows); every batch's output is printed as JSON ({batchId: ["adId impTime clickAdId clickTime", ...]},
times as HH:MM, nulls as "null") for the differential test."""
import json
import os
import sys

from pyspark.sql import SparkSession, functions as F

how, workdir, feed_json = sys.argv[1], sys.argv[2], sys.argv[3]
feed = json.loads(feed_json)
spark = (SparkSession.builder.master("local[1]").appName("stream-stream-join")
         .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
dirs = {side: os.path.join(workdir, side) for side in ("imps", "clicks")}
for d in dirs.values():
    os.makedirs(d, exist_ok=True)
imps = (spark.readStream.schema("adId INT, impTime TIMESTAMP").option("maxFilesPerTrigger", 1).json(dirs["imps"])
        .withWatermark("impTime", "10 minutes"))
clicks = (spark.readStream.schema("clickAdId INT, clickTime TIMESTAMP").option("maxFilesPerTrigger", 1).json(dirs["clicks"])
          .withWatermark("clickTime", "20 minutes"))
joined = imps.join(clicks, F.expr("clickAdId = adId AND clickTime >= impTime AND clickTime <= impTime + interval 15 minutes"), how)
out = {}


def show(v):
    return "null" if v is None else v.strftime("%H:%M") if hasattr(v, "strftime") else str(v)


def each_batch(df, batch_id):
    out[batch_id] = sorted(" ".join(show(x) for x in r) for r in df.collect())


for i, trigger in enumerate(feed):
    for side, key, tcol in (("imps", "adId", "impTime"), ("clicks", "clickAdId", "clickTime")):
        path = os.path.join(dirs[side], f"t{i:03d}.json")
        with open(path, "w") as f:
            for ad, hhmm in trigger[side]:
                f.write(json.dumps({key: ad, tcol: f"2026-01-01T{hhmm}:00.000Z"}) + "\n")
        os.utime(path, (1_700_000_000 + 60 * i, 1_700_000_000 + 60 * i))  # files are taken oldest first
q = (joined.writeStream.outputMode("append").foreachBatch(each_batch)
     .option("checkpointLocation", os.path.join(workdir, "cp")).start())
q.processAllAvailable()
q.stop()
spark.stop()
print("RESULT " + json.dumps(out))
