"""PySpark's VectorIndexer on the vectors given as JSON (argv[1]): category maps, the indexed
training vectors, unseen vectors under keep and skip, the error for one under error; the model
saved to argv[2]; and the model saved by the workbench at argv[3] loaded and applied. One RESULT
line of JSON for test/ml/vector-indexer.test.ts."""
import json
import sys

from pyspark.ml.feature import VectorIndexer, VectorIndexerModel
from pyspark.ml.linalg import Vectors
from pyspark.sql import SparkSession

spec, save_to, ours_at = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")


def vec(v):
    return Vectors.sparse(v["size"], v["indices"], v["values"]) if "size" in v else Vectors.dense(v["dense"])


def out(v):
    return {"size": v.size, "indices": [int(i) for i in v.indices], "values": list(map(float, v.values))} if hasattr(v, "indices") else {"dense": list(map(float, v))}


train = spark.createDataFrame([(vec(v),) for v in spec["train"]], ["f"])
unseen = spark.createDataFrame([(vec(v),) for v in spec["unseen"]], ["f"])
res = {}
model = VectorIndexer(inputCol="f", outputCol="i", maxCategories=spec["maxCategories"]).fit(train)
res["maps"] = {str(k): sorted([float(a), int(b)] for a, b in m.items()) for k, m in model.categoryMaps.items()}
res["numFeatures"] = model.numFeatures
res["train"] = [out(r.i) for r in model.transform(train).collect()]
for how in ("keep", "skip"):
    m = VectorIndexer(inputCol="f", outputCol="i", maxCategories=spec["maxCategories"], handleInvalid=how).fit(train)
    res[how] = [out(r.i) for r in m.transform(unseen).collect()]
try:
    model.transform(unseen).collect()
    res["error"] = None
except Exception as e:  # the JVM's message
    msg = str(e)
    res["error"] = msg[msg.find("VectorIndexer encountered"):].split("\n")[0]
model.write().overwrite().save(save_to)
loaded = VectorIndexerModel.load(ours_at)
res["oursLoaded"] = {"maps": {str(k): sorted([float(a), int(b)] for a, b in m.items()) for k, m in loaded.categoryMaps.items()},
                     "train": [out(r.i) for r in loaded.transform(train).collect()]}
print("RESULT " + json.dumps(res))
spark.stop()
