// The tables Spark's SQLQueryTestSuite creates before running the golden files
// (createTestTables): testdata, arraydata, mapdata, aggtest, onek, tenk1. Spark saves them as
// parquet tables; here they are temporary views with the same names, columns and rows.

import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { SqlSession } from "../../../engine/sql/index";

const ONEK_SCHEMA =
  "unique1 int, unique2 int, two int, four int, ten int, twenty int, hundred int, thousand int, " +
  "twothousand int, fivethous int, tenthous int, odd int, even int, stringu1 string, stringu2 string, string4 string";

function tsvRows(path: string, types: string[]): unknown[][] {
  return readFileSync(path, "utf8").split("\n").filter((l) => l !== "").map((l) =>
    l.split("\t").map((cell, i) => (cell === "\\N" ? null : types[i] === "string" ? cell : Number(cell))));
}

export function createTestTables(spark: SqlSession, testDataDir: string): void {
  spark.createDataFrame(Array.from({ length: 100 }, (_, i) => [i + 1, String(i + 1)]), "key int, value string")
    .createOrReplaceTempView("testdata");
  spark.createDataFrame([[[1, 2, 3], [[1, 2, 3]]], [[2, 3, 4], [[2, 3, 4]]]], "arraycol array<int>, nestedarraycol array<array<int>>")
    .createOrReplaceTempView("arraydata");
  const maps = [
    { 1: "a1", 2: "b1", 3: "c1", 4: "d1", 5: "e1" },
    { 1: "a2", 2: "b2", 3: "c2", 4: "d2" },
    { 1: "a3", 2: "b3", 3: "c3" },
    { 1: "a4", 2: "b4" },
    { 1: "a5" },
  ].map((o) => [new Map(Object.entries(o).map(([k, v]) => [Number(k), v]))]);
  spark.createDataFrame(maps, "mapcol map<int,string>").createOrReplaceTempView("mapdata");
  const pg = join(testDataDir, "postgresql");
  if (existsSync(join(pg, "agg.data"))) {
    spark.createDataFrame(tsvRows(join(pg, "agg.data"), ["int", "float"]), "a int, b float").createOrReplaceTempView("aggtest");
  }
  const onekTypes = ONEK_SCHEMA.split(", ").map((f) => f.split(" ")[1]!);
  if (existsSync(join(pg, "onek.data"))) {
    spark.createDataFrame(tsvRows(join(pg, "onek.data"), onekTypes), ONEK_SCHEMA).createOrReplaceTempView("onek");
  }
  if (existsSync(join(pg, "tenk.data"))) {
    spark.createDataFrame(tsvRows(join(pg, "tenk.data"), onekTypes), ONEK_SCHEMA).createOrReplaceTempView("tenk1");
  }
}
