import { SparkSession } from "/work/wt/issue-13/engine/session";
import { VectorAssembler, StringIndexer, OneHotEncoder, StandardScaler, Tokenizer, HashingTF, Imputer, Pipeline, Vectors } from "/work/wt/issue-13/engine/ml";
const spark = await SparkSession.builder().master("local[2]").appName("smoke").getOrCreate();
try {
  const df = spark.createDataFrame([
    { a: 1.0, b: 2, c: "x", t: "Hello big data", m: null },
    { a: 3.0, b: 0, c: "y", t: "spark is big", m: 4.0 },
    { a: 0.0, b: 0, c: "x", t: "data data", m: 6.0 },
  ], "a double, b int, c string, t string, m double");
  const p = new Pipeline({ stages: [
    new Imputer({ inputCols: ["m"], outputCols: ["m_i"], strategy: "median" }),
    new StringIndexer({ inputCol: "c", outputCol: "ci" }),
    new OneHotEncoder({ inputCol: "ci", outputCol: "co" }),
    new VectorAssembler({ inputCols: ["a", "b", "co", "m_i"], outputCol: "f" }),
    new StandardScaler({ inputCol: "f", outputCol: "fs", withMean: true }),
    new Tokenizer({ inputCol: "t", outputCol: "w" }),
    new HashingTF({ inputCol: "w", outputCol: "tf", numFeatures: 16 }),
  ]});
  const m = await p.fit(df);
  const out = m.transform(df);
  out.printSchema();
  await out.show(20, false);
  const rows = await out.collect();
  console.log(rows[0], String(rows[0]!.f));
  console.log(String(Vectors.sparse(4, [1, 3], [1, 2])));
} finally { await spark.stop(); }
