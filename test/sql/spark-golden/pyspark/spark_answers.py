# Spot check against real Spark (not run in CI): answers of queries.json as Spark's HiveResult text.
#   python3 -m venv /tmp/pyspark && /tmp/pyspark/bin/pip install pyspark==4.0.1
#   /tmp/pyspark/bin/python test/sql/spark-golden/pyspark/spark_answers.py /tmp/spark-answers.json
#   npx tsx test/sql/spark-golden/pyspark/compare.ts /tmp/spark-answers.json
import json, os, sys
from pyspark.sql import SparkSession

here = os.path.dirname(os.path.abspath(__file__))
spark = (SparkSession.builder.master("local[1]").config("spark.sql.ansi.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
hive = spark._jvm.org.apache.spark.sql.execution.HiveResult
out = []
for q in json.load(open(os.path.join(here, "queries.json"))):
    try:
        df = spark.sql(q)
        plan = df._jdf.queryExecution().executedPlan()
        out.append({"q": q, "columns": df.columns, "rows": str(hive.hiveResultString(plan).mkString("\n")).split("\n")})
    except Exception as e:  # an error is an answer too
        out.append({"q": q, "error": str(e).split("\n")[0][:200]})
json.dump(out, open(sys.argv[1], "w"), indent=1)
