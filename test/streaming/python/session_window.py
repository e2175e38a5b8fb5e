"""Spark's session_window on a batch DataFrame (rows as JSON in argv[1]: [key, "HH:MM:SS" or
null, value]): sessions per key for gaps of 5 minutes and 90 seconds, and over all keys, printed
as one RESULT line of JSON for test/streaming/session-window.test.ts."""
import json
import sys

from pyspark.sql import SparkSession, functions as F

rows = json.loads(sys.argv[1])
spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
df = (spark.createDataFrame([(k, None if t is None else f"2026-01-01 {t}", v) for k, t, v in rows], "k STRING, ts STRING, v INT")
      .withColumn("ts", F.to_timestamp("ts")))


def show(r):
    return f"{r.session_window.start:%H:%M:%S}-{r.session_window.end:%H:%M:%S} {r['k'] if 'k' in r else '*'} {r.n} {r.s}"


out = {}
for gap in ("5 minutes", "90 seconds"):
    out[f"by key {gap}"] = sorted(show(r) for r in df.groupBy(F.session_window("ts", gap), "k").agg(F.count("*").alias("n"), F.sum("v").alias("s")).collect())
    out[f"all {gap}"] = sorted(show(r) for r in df.groupBy(F.session_window("ts", gap)).agg(F.count("*").alias("n"), F.sum("v").alias("s")).collect())
print("RESULT " + json.dumps(out))
spark.stop()
