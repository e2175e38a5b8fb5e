// The DataFrame / SQL snippets of the course notes (L3: "tell Spark what to do, not how").
import { describe, it, expect } from "vitest";
import { SqlSession, F } from "../../engine/sql/index";
import { localHost } from "./support/local-context";

describe("lecture examples", () => {
  const spark = new SqlSession(localHost());
  const flights = spark.createDataFrame(
    [["United States", "Romania", 15], ["United States", "Croatia", 1], ["Egypt", "United States", 15], ["United States", "Ireland", 344], ["India", "United States", 62], ["Egypt", "Romania", 3]],
    "DEST_COUNTRY_NAME string, ORIGIN_COUNTRY_NAME string, count int",
  );

  it("DataFrame DSL and SQL give the same answer and the same physical plan shape", async () => {
    const dsl = flights.groupBy("DEST_COUNTRY_NAME").sum("count").withColumnRenamed("sum(count)", "destination_total").sort(F.desc("destination_total")).limit(5);
    flights.createOrReplaceTempView("flight_data_2015");
    const sql = spark.sql("SELECT DEST_COUNTRY_NAME, sum(count) AS destination_total FROM flight_data_2015 GROUP BY DEST_COUNTRY_NAME ORDER BY sum(count) DESC LIMIT 5");
    const a = await dsl.collect(), b = await sql.collect();
    expect(a).toEqual(b);
    expect(a[0]).toEqual({ DEST_COUNTRY_NAME: "United States", destination_total: 360 });
    const shape = (t: string) => t.split("\n").map((l) => l.replace(/^[\s:+\-|]*(\*\(\d+\) )?/, "").split(/[ (]/)[0]).filter(Boolean);
    expect(shape(dsl.explainString())).toEqual(shape(sql.explainString()));
  });

  it("word count with explode/split", async () => {
    const lines = spark.createDataFrame([["the quick fox"], ["the lazy dog"], ["the end"]], "value string");
    const counts = lines.select(F.explode(F.split(F.col("value"), " ")).alias("word")).groupBy("word").count().orderBy(F.desc("count"), "word");
    expect((await counts.collect()).slice(0, 2)).toEqual([{ word: "the", count: 3 }, { word: "dog", count: 1 }]);
  });

  it("max over a window and a temp view used twice (self join)", async () => {
    flights.createOrReplaceTempView("f");
    const rows = await spark.sql("SELECT a.DEST_COUNTRY_NAME AS d, count(*) AS n FROM f a JOIN f b ON a.DEST_COUNTRY_NAME = b.ORIGIN_COUNTRY_NAME GROUP BY a.DEST_COUNTRY_NAME ORDER BY d").collect();
    expect(rows).toEqual([{ d: "United States", n: 6 }]);
  });
});
