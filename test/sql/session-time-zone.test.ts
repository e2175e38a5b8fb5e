// spark.sql.session.timeZone against real PySpark 4.0.1 (pinned in test/python/requirements.txt,
// run from the project's .venv with Java 17): the same queries in several session zones must give
// the same text. A TIMESTAMP is an instant; the zone decides how text without a zone reads (DST
// gaps move forward, overlaps take the earlier offset), how an instant prints, which day and hour
// it falls in, where a day starts for date_trunc and CAST(date AS TIMESTAMP), and what
// from_utc_timestamp / make_timestamp / to_timestamp mean.
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqlSession } from "../../engine/sql/index";
import { localHost } from "./support/local-context";
import { javaAvailable, runPySpark } from "../python/venv";
import { startSession } from "../engine/helpers";

const ZONES = ["America/Los_Angeles", "Asia/Kolkata", "UTC", "+02:00"];
const s = (e: string) => `CAST(${e} AS STRING)`;
const QUERIES = [
  `SELECT ${s("TIMESTAMP '2021-03-14 01:30:00'")}, ${s("unix_timestamp(TIMESTAMP '2021-03-14 01:30:00')")}`,
  // DST gap (clocks forward in Los Angeles): the wall time moves forward; overlap: the earlier offset
  `SELECT ${s("CAST('2021-03-14 02:30:00' AS TIMESTAMP)")}, ${s("unix_timestamp(CAST('2021-11-07 01:30:00' AS TIMESTAMP))")}`,
  `SELECT ${s("from_unixtime(0)")}, date_format(CAST(0 AS TIMESTAMP), 'yyyy-MM-dd HH:mm:ss'), date_format(TIMESTAMP '2021-06-01 12:00:00', 'yyyy-MM-dd HH:mm XXX')`,
  `SELECT ${s("hour(CAST(0 AS TIMESTAMP))")}, ${s("CAST(CAST(0 AS TIMESTAMP) AS DATE)")}, ${s("dayofmonth(CAST(0 AS TIMESTAMP))")}, ${s("minute(CAST(1800 AS TIMESTAMP))")}`,
  `SELECT ${s("CAST(DATE '2021-06-01' AS TIMESTAMP)")}, ${s("unix_timestamp(CAST(DATE '2021-06-01' AS TIMESTAMP))")}`,
  `SELECT ${s("date_trunc('DAY', CAST(1622540000 AS TIMESTAMP))")}, ${s("unix_timestamp(date_trunc('DAY', CAST(1622540000 AS TIMESTAMP)))")}, ${s("unix_timestamp(date_trunc('MONTH', CAST(1622540000 AS TIMESTAMP)))")}`,
  `SELECT ${s("from_utc_timestamp(TIMESTAMP '2021-06-01 12:00:00', 'Asia/Tokyo')")}, ${s("to_utc_timestamp(TIMESTAMP '2021-06-01 12:00:00', 'Asia/Tokyo')")}`,
  `SELECT ${s("TIMESTAMP '2021-03-13 12:00:00' + INTERVAL 1 MONTH")}, ${s("TIMESTAMP '2021-03-13 12:00:00' + INTERVAL '1' DAY")}, ${s("DATE '2021-03-14' + INTERVAL '3' HOUR")}`,
  `SELECT ${s("make_timestamp(2021, 7, 11, 6, 30, 45.678)")}, ${s("unix_timestamp(make_timestamp(2021, 7, 11, 6, 30, 45.678))")}, ${s("make_timestamp(2021, 7, 11, 6, 30, 45, 'CET')")}`,
  `SELECT ${s("to_timestamp('2021-06-01 10:00', 'yyyy-MM-dd HH:mm')")}, ${s("unix_timestamp('2021-06-01 10:00', 'yyyy-MM-dd HH:mm')")}, ${s("to_date(CAST(1622590000 AS TIMESTAMP))")}`,
  "SELECT current_timezone()",
  `SELECT ${s("TIMESTAMP '2021-06-01 10:00:00+02:00'")}, ${s("CAST('2021-06-01T10:00:00Z' AS TIMESTAMP)")}, ${s("unix_timestamp(TIMESTAMP '2021-06-01 10:00:00 Asia/Tokyo')")}`,
  `SELECT ${s("CAST(TIMESTAMP '2021-06-01 23:30:00' AS DATE)")}, ${s("year(CAST(1640995000 AS TIMESTAMP))")}, ${s("months_between(CAST(1640995000 AS TIMESTAMP), CAST(1609459000 AS TIMESTAMP))")}`,
  `SELECT ${s("array(CAST(0 AS TIMESTAMP))")}, ${s("named_struct('t', CAST(0 AS TIMESTAMP))")}`,
  `SELECT ${s("convert_timezone('Europe/Brussels', TIMESTAMP_NTZ '2022-03-23 00:00:00')")}, ${s("convert_timezone('UTC', 'Asia/Tokyo', TIMESTAMP_NTZ '2022-03-23 00:00:00')")}, ` +
    `${s("timestamp_millis(1230219000123)")}, ${s("unix_millis(TIMESTAMP '2021-06-01 00:00:00')")}, ${s("make_timestamp_ntz(2021, 7, 11, 6, 30, 45.678)")}`,
  // RANGE frames of calendar months over dates and timestamps (month ends, the session zone's wall clock)
  "SELECT concat_ws(' ', sort_array(collect_list(concat_ws(':', CAST(d AS STRING), CAST(s AS STRING), CAST(c AS STRING))))) FROM (" +
    "SELECT d, sum(v) OVER (ORDER BY d RANGE BETWEEN CURRENT ROW AND INTERVAL '1' MONTH FOLLOWING) AS s, " +
    "count(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '0-2' YEAR TO MONTH PRECEDING AND CURRENT ROW) AS c FROM VALUES " +
    "(DATE '2024-01-31', 1, TIMESTAMP '2024-01-31 10:00:00'), (DATE '2024-02-29', 2, TIMESTAMP '2024-02-29 10:00:00'), " +
    "(DATE '2024-03-01', 4, TIMESTAMP '2024-03-01 10:00:00'), (DATE '2024-03-31', 8, TIMESTAMP '2024-03-31 10:00:00'), " +
    "(DATE '2024-05-31', 16, TIMESTAMP '2024-05-31 09:59:59') AS t(d, v, ts))",
];
const SHOW = ["SELECT CAST(0 AS TIMESTAMP) AS t, array(CAST(86400 AS TIMESTAMP)) AS a, DATE '2021-06-01' AS d"];

async function engineAnswers(zone: string): Promise<{ rows: (string | null)[][]; show: string[] }> {
  const spark = new SqlSession(localHost({ "spark.sql.session.timeZone": zone }));
  const rows: (string | null)[][] = [];
  for (const q of QUERIES) {
    const r = (await spark.sql(q).collect())[0]!;
    rows.push(Object.values(r).map((v) => (v === null || v === undefined ? null : String(v))));
  }
  const show: string[] = [];
  for (const q of SHOW) show.push(await spark.sql(q).showString(20, 20));
  return { rows, show };
}

describe.skipIf(!javaAvailable())("spark.sql.session.timeZone vs PySpark", () => {
  let ref: Record<string, { rows: (string | null)[][]; show: string[] }> & { invalid: string };
  beforeAll(() => { ref = runPySpark("test/sql/python/session_time_zone.py", [JSON.stringify({ zones: ZONES, queries: QUERIES, show: SHOW })]); }, 420_000);

  for (const zone of ZONES) {
    it(`${zone}: ${QUERIES.length} queries and show() give PySpark's text`, async () => {
      const mine = await engineAnswers(zone);
      QUERIES.forEach((q, i) => expect(mine.rows[i], q).toEqual(ref[zone]!.rows[i]));
      expect(mine.show).toEqual(ref[zone]!.show);
    });
  }

  it("an unknown zone is refused when set, with Spark's error class", () => {
    expect(ref.invalid).toBe("INVALID_CONF_VALUE.TIME_ZONE");
    const spark = new SqlSession(localHost());
    expect(() => spark.sql("SET spark.sql.session.timeZone = Mars/Olympus_Mons")).toThrow(/INVALID_CONF_VALUE.TIME_ZONE/);
    expect(() => spark.sql("SET TIME ZONE 'Mars/Olympus_Mons'")).toThrow(/INVALID_CONF_VALUE.TIME_ZONE/);
  });
});

describe("settings the engine does not model are refused when set", () => {
  it("legacy datetime parser, legacy CTE precedence, decimal results without precision loss", () => {
    const spark = new SqlSession(localHost());
    expect(() => spark.sql("SET spark.sql.legacy.timeParserPolicy=LEGACY")).toThrow(/UNSUPPORTED_FEATURE.LEGACY_TIME_PARSER/);
    expect(() => spark.sql("SET spark.sql.legacy.ctePrecedencePolicy=legacy")).toThrow(/UNSUPPORTED_FEATURE.LEGACY_CTE_PRECEDENCE/);
    expect(() => spark.sql("SET spark.sql.decimalOperations.allowPrecisionLoss=false")).toThrow(/UNSUPPORTED_FEATURE.DECIMAL_PRECISION_LOSS/);
    // The values the engine does follow are accepted.
    expect(() => spark.sql("SET spark.sql.legacy.timeParserPolicy=CORRECTED")).not.toThrow();
    expect(spark.conf.get("spark.sql.legacy.timeParserPolicy")).toBe("CORRECTED");
  });
});

describe("session time zone without a reference", () => {
  it("the DataFrame functions take the session zone too", async () => {
    const { F } = await import("../../engine/sql/index");
    const spark = new SqlSession(localHost({ "spark.sql.session.timeZone": "Asia/Kolkata" }));
    const df = spark.createDataFrame([[new Date("2021-06-01T00:00:00Z")]], "t timestamp");
    const r = (await df.select(
      F.hour("t").alias("h"), F.date_format("t", "yyyy-MM-dd HH:mm XXX").alias("f"), F.current_timezone().alias("z"),
      F.from_utc_timestamp("t", "Asia/Tokyo").cast("string").alias("tokyo"), F.to_utc_timestamp("t", "Asia/Tokyo").cast("string").alias("utc"),
      F.make_timestamp(F.lit(2021), F.lit(6), F.lit(1), F.lit(5), F.lit(30), F.lit(0)).alias("mk"),
      F.convert_timezone(null, "UTC", F.col("t")).cast("string").alias("conv"),
    ).collect())[0]!;
    expect(r.h).toBe(5);
    expect(r.f).toBe("2021-06-01 05:30 +05:30");
    expect(r.z).toBe("Asia/Kolkata");
    expect(r.tokyo).toBe("2021-06-01 14:30:00");
    expect(r.utc).toBe("2021-05-31 20:30:00");
    expect((r.mk as Date).toISOString()).toBe("2021-06-01T00:00:00.000Z");
    expect(r.conv).toBe("2021-06-01 00:00:00");
  });

  it("the same instant prints by the session zone; collect() gives the instant", async () => {
    const spark = new SqlSession(localHost({ "spark.sql.session.timeZone": "America/Los_Angeles" }));
    const row = (await spark.sql("SELECT TIMESTAMP '2024-01-15 09:00:00' AS t").collect())[0]!;
    expect((row.t as Date).toISOString()).toBe("2024-01-15T17:00:00.000Z");
    spark.sql("SET TIME ZONE 'Asia/Tokyo'");
    expect(spark.settings().timeZone).toBe("Asia/Tokyo");
    const df = spark.createDataFrame([[new Date("2024-01-15T17:00:00Z")]], "t timestamp");
    expect(await df.showString()).toContain("2024-01-16 02:00:00");
    expect((await df.selectExpr("hour(t) AS h").collect())[0]!.h).toBe(2);
  });
});

describe("data sources read and write timestamps in the session time zone", () => {
  it("CSV text without an offset is a wall time in the session zone unless the timeZone option says otherwise", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tz-csv-"));
    writeFileSync(join(dir, "a.csv"), "t\n2021-06-01 10:00:00\n2021-06-01T10:00:00Z\n");
    // File scans run on workers: a real local cluster, the session zone set at run time.
    const { spark } = await startSession("local[2]");
    try {
      spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles");
      expect(spark.conf.get("spark.sql.session.timeZone")).toBe("America/Los_Angeles");
      const read = async (opts: Record<string, string>) =>
        (await spark.read.schema("t timestamp").options({ header: "true", ...opts }).csv(dir).collect()).map((r) => (r.t === null ? null : (r.t as Date).toISOString()));
      expect(await read({})).toEqual(["2021-06-01T17:00:00.000Z", "2021-06-01T10:00:00.000Z"]);
      expect(await read({ timeZone: "UTC" })).toEqual(["2021-06-01T10:00:00.000Z", "2021-06-01T10:00:00.000Z"]);
      expect(await read({ timestampFormat: "yyyy-MM-dd HH:mm:ss" }).then((r) => r[0])).toBe("2021-06-01T17:00:00.000Z");
      expect(() => spark.conf.set("spark.sql.session.timeZone", "Nowhere/Land")).toThrow(/INVALID_CONF_VALUE.TIME_ZONE/);
      expect(() => spark.conf.set("spark.sql.decimalOperations.allowPrecisionLoss", false)).toThrow(/UNSUPPORTED_FEATURE.DECIMAL_PRECISION_LOSS/);
    } finally {
      await spark.stop();
    }
  }, 60_000);

  it("JSON and CSV writers print the session zone's wall clock and offset", async () => {
    const spark = new SqlSession(localHost({ "spark.sql.session.timeZone": "America/Los_Angeles" }));
    const df = spark.createDataFrame([[new Date(0)]], "t timestamp");
    const out = mkdtempSync(join(tmpdir(), "tz-json-"));
    await df.write.mode("overwrite").json(join(out, "j"));
    await df.write.mode("overwrite").option("timestampFormat", "yyyy-MM-dd HH:mm:ss XXX").csv(join(out, "c"));
    const text = (sub: string) => readdirSync(join(out, sub)).filter((f) => f.startsWith("part-")).map((f) => readFileSync(join(out, sub, f), "utf8")).join("");
    expect(text("j").trim()).toBe('{"t":"1969-12-31T16:00:00.000-08:00"}');
    expect(text("c").trim()).toBe("1969-12-31 16:00:00 -08:00");
  });
});
