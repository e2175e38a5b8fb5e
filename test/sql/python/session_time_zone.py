# The session time zone in real PySpark (the reference for test/sql/session-time-zone.test.ts):
# argv[1] is JSON {"zones": [...], "queries": [...], "show": [...]}; for each zone the queries'
# first rows (every column as a string) and the show() text of the "show" queries are printed
# as RESULT {zone: {"rows": [[...]], "show": [...]}}, plus the error of an unknown zone.
import json
import sys

from pyspark.sql import SparkSession

spec = json.loads(sys.argv[1])
spark = (SparkSession.builder.master("local[1]").appName("session-time-zone")
         .config("spark.ui.enabled", "false").config("spark.sql.ansi.enabled", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
out = {}
for zone in spec["zones"]:
    spark.conf.set("spark.sql.session.timeZone", zone)
    rows = []
    for q in spec["queries"]:
        try:
            r = spark.sql(q).collect()[0]
            rows.append([None if v is None else str(v) for v in r])
        except Exception as e:  # noqa: BLE001
            rows.append(["ERROR " + type(e).__name__ + ": " + str(e).split("\n")[0][:200]])
    shows = [spark.sql(q)._jdf.showString(20, 20, False) for q in spec["show"]]
    out[zone] = {"rows": rows, "show": shows}
try:
    spark.conf.set("spark.sql.session.timeZone", "Mars/Olympus_Mons")
    out["invalid"] = "accepted"
except Exception as e:  # noqa: BLE001
    out["invalid"] = getattr(e, "getErrorClass", lambda: None)() or str(e)[:200]
print("RESULT " + json.dumps(out))
spark.stop()
