// ANSI interval types (issue 19): literals, CAST both ways, arithmetic with timestamps, dates and
// numbers, comparisons, and the text forms (CAST to STRING, Hive output), checked against the
// answers Spark 3.5 gives in its interval and cast golden files.
import { describe, expect, it } from "vitest";
import { SqlSession } from "../../engine/sql/index";
import { hiveRow } from "../../engine/sql/hive-result";
import { localHost } from "./support/local-context";

describe("INTERVAL YEAR TO MONTH and DAY TO SECOND", () => {
  const s = new SqlSession(localHost());
  const hive = async (q: string) => {
    const df = s.sql(q);
    const types = df.schema.fields.map((f) => f.dataType);
    return (await df.collect()).map((r) => hiveRow(Object.values(r as Record<string, unknown>), types));
  };
  const schema = (q: string) => s.sql(q).schema.fields.map((f) => `${f.name}:${f.dataType.type === "interval_ym" || f.dataType.type === "interval_dt" ? "interval" : f.dataType.type}`);
  const fails = async (q: string) => {
    try { await s.sql(q).collect(); return "no error"; } catch (e) { return (e as Error).message; }
  };

  it("types literals by their units and prints them as Spark does", async () => {
    expect(await hive("SELECT INTERVAL '3-1' YEAR TO MONTH, INTERVAL 3 DAY 1 SECOND, INTERVAL '-10' MONTH")).toEqual(["3-1\t3 00:00:01.000000000\t-0-10"]);
    expect(await hive("SELECT CAST(interval 3 year 1 month AS string), CAST(interval -'1 02:03:04.123' day to second AS string)"))
      .toEqual(["INTERVAL '3-1' YEAR TO MONTH\tINTERVAL '-1 02:03:04.123' DAY TO SECOND"]);
    expect(s.sql("SELECT INTERVAL '1' YEAR, INTERVAL '08:11:10.001' HOUR TO SECOND").columns)
      .toEqual(["INTERVAL '1' YEAR", "INTERVAL '08:11:10.001' HOUR TO SECOND"]);
  });

  it("casts between intervals, numbers and strings with Spark's units, rounding and overflow errors", async () => {
    expect(await hive("SELECT CAST(-122S AS INTERVAL YEAR TO MONTH), CAST(100Y AS INTERVAL HOUR TO SECOND), CAST(10 AS INTERVAL DAY), CAST(80.654321BD AS INTERVAL HOUR TO MINUTE)"))
      .toEqual(["-10-2\t0 00:01:40.000000000\t10 00:00:00.000000000\t0 01:20:00.000000000"]);
    expect(await hive("SELECT CAST(INTERVAL '-10-2' YEAR TO MONTH AS SMALLINT), CAST(interval -'1 02:03:04.123' day to second AS INT), CAST(INTERVAL '10.005' SECOND AS DECIMAL(4, 2))"))
      .toEqual(["-122\t-93784\t10.01"]);
    expect(await hive(`SELECT CAST("interval '3 00:00:01' day to second" AS INTERVAL DAY TO SECOND), CAST('1-6' AS INTERVAL YEAR TO MONTH), CAST('x' AS INTERVAL DAY)`))
      .toEqual(["3 00:00:01.000000000\t1-6\tNULL"]);
    expect(await fails("SELECT CAST(INTERVAL '-1000' MONTH AS TINYINT)")).toMatch(/CAST_OVERFLOW/);
    expect(await fails("SELECT CAST(2147483647 AS INTERVAL YEAR)")).toMatch(/CAST_OVERFLOW/);
    expect(schema("SELECT CAST(ym AS INTERVAL YEAR TO MONTH) FROM VALUES (-122S) AS t(ym)")).toEqual(["ym:interval"]);
  });

  it("adds intervals to timestamps and dates (months on the calendar), to each other, and scales them", async () => {
    expect(await hive("SELECT TIMESTAMP '2024-01-31 10:00:00' + INTERVAL '1' MONTH, DATE '2024-01-31' + INTERVAL '1' MONTH, DATE '2024-01-01' + INTERVAL '2' DAY, TIMESTAMP '2024-01-01 00:00:00' - INTERVAL '1 01:00:00' DAY TO SECOND"))
      .toEqual(["2024-02-29 10:00:00\t2024-02-29\t2024-01-03\t2023-12-30 23:00:00"]);
    expect(await hive("SELECT INTERVAL '3-1' YEAR TO MONTH + INTERVAL '2' MONTH, -INTERVAL '1 02:00:00' DAY TO SECOND, INTERVAL '10' DAY * 1.5, INTERVAL '1' YEAR / 4, 2 * INTERVAL '30' MINUTE"))
      .toEqual(["3-3\t-1 02:00:00.000000000\t15 00:00:00.000000000\t0-3\t0 01:00:00.000000000"]);
    expect(await fails("SELECT INTERVAL '1' YEAR + INTERVAL '1' DAY")).toMatch(/BINARY_OP_DIFF_TYPES/);
    expect(await fails("SELECT INTERVAL '1' DAY / 0")).toMatch(/INTERVAL_DIVIDED_BY_ZERO/);
  });

  it("compares, orders and aggregates interval columns on the workers", async () => {
    const q = "SELECT ts + iv AS t2, iv > INTERVAL '1' HOUR AS big FROM VALUES (TIMESTAMP '2024-03-01 00:00:00', INTERVAL '90' MINUTE), (TIMESTAMP '2024-03-02 00:00:00', INTERVAL '30' MINUTE) AS t(ts, iv) ORDER BY iv";
    expect(await hive(q)).toEqual(["2024-03-02 00:30:00\tfalse", "2024-03-01 01:30:00\ttrue"]);
    expect(await hive("SELECT max(iv), min(iv) FROM VALUES (INTERVAL '1' DAY), (INTERVAL '2' DAY) AS t(iv)")).toEqual(["2 00:00:00.000000000\t1 00:00:00.000000000"]);
  });

  it("refuses what it cannot hold exactly instead of rounding", async () => {
    expect(await fails("SELECT INTERVAL '106751991 04:00:54.775807' DAY TO SECOND")).toMatch(/INVALID_INTERVAL_FORMAT.*2\^53/);
    expect(await fails("SELECT TIMESTAMP '2011-11-11 11:11:11' - INTERVAL '12:12:12.123456' HOUR TO SECOND")).toMatch(/MICROSECOND_TIMESTAMP/);
  });
});
