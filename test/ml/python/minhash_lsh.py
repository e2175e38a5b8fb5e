"""PySpark's MinHashLSH on the vectors given as JSON (argv[1]): hashes, a similarity join and a
nearest-neighbour query, printed as one RESULT line of JSON for test/ml/minhash-lsh.test.ts."""
import json
import sys

from pyspark.ml.feature import MinHashLSH
from pyspark.ml.linalg import Vectors
from pyspark.sql import SparkSession

spec = json.loads(sys.argv[1])
spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
size = spec["size"]
df_a = spark.createDataFrame([(i, Vectors.sparse(size, idx, [1.0] * len(idx))) for i, idx in spec["a"]], ["id", "features"])
df_b = spark.createDataFrame([(i, Vectors.sparse(size, idx, [1.0] * len(idx))) for i, idx in spec["b"]], ["id", "features"])
model = MinHashLSH(inputCol="features", outputCol="hashes", numHashTables=spec["tables"], seed=spec["seed"]).fit(df_a)
hashes = {r.id: [v[0] for v in r.hashes] for r in model.transform(df_a).collect()}
join = sorted([r.a, r.b, round(r.distCol, 12)] for r in model.approxSimilarityJoin(df_a, df_b, spec["threshold"], distCol="distCol")
              .selectExpr("datasetA.id as a", "datasetB.id as b", "distCol").collect())
key = Vectors.sparse(size, spec["key"], [1.0] * len(spec["key"]))
nn = [[r.id, round(r.distCol, 12)] for r in model.approxNearestNeighbors(df_a, key, spec["k"]).collect()]
print("RESULT " + json.dumps({"hashes": hashes, "join": join, "nn": nn}))
spark.stop()
