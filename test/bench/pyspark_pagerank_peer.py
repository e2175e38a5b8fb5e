# PageRank as Spark's own example writes it (examples/src/main/python/pagerank.py: links grouped
# and cached, then join, flatMap of contributions, reduceByKey per iteration), on PySpark (the
# pinned version in test/python/requirements.txt) in local[2], over test/bench/graph-bench.ts's
# edge list. Prints one line `RESULT {json}` (times in milliseconds).
# usage: pyspark_pagerank_peer.py EDGES_FILE ITERATIONS BETA
import json
import sys
import time
from operator import add

from pyspark.sql import SparkSession

path, iters, beta = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
spark = (SparkSession.builder.master("local[2]").appName("workbench-graph-bench")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", "2g").getOrCreate())
sc = spark.sparkContext
sc.setLogLevel("ERROR")

links = sc.textFile(path, 4).map(lambda l: tuple(int(x) for x in l.split())).groupByKey(4).cache()
links.count()


def contributions(item):
    _, (urls, rank) = item
    urls = list(urls)
    for u in urls:
        yield (u, rank / len(urls))


t = time.perf_counter()
ranks = links.mapValues(lambda _: 1.0)
for _ in range(iters):
    ranks = links.join(ranks, 4).flatMap(contributions).reduceByKey(add, 4).mapValues(lambda r: (1 - beta) + beta * r)
n = ranks.count()
print("RESULT " + json.dumps({"version": spark.version, "ms": (time.perf_counter() - t) * 1000, "vertices": n}))
spark.stop()
