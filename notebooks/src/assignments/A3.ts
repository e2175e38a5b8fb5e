// Assignment A3 (streaming and lakehouse), the instructor notebook: a windowed aggregation with a
// watermark written into a Delta table, then a delete and time travel on that table. `npx tsx
// notebooks/src/assignments/A3.ts` regenerates notebooks/assignments/A3-streaming-and-lakehouse.ipynb.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md } from "../notebook-builder";
import { beforeYouSubmit, locked, solution, tests } from "../assignment-cells";

export const A3 = buildNotebook("a3", [
  md`
    # A3: Structured streaming into a lakehouse (10 points)

    | question | topic | points |
    |---|---|---|
    | q1 | a windowed average with a watermark, appended to a Delta table | 6 |
    | q2 | a delete on the Delta table, then time travel | 4 |

    Write your code where a cell says \`TODO\`; the test cell under it runs \`check("qN")\` with the
    **public** tests. The grader also runs hidden tests. Do not edit the setup, feed or test cells.
  `,
  locked("a3-setup", code`
    import { F, MemoryStream, DeltaTable } from "bigdata-workbench";
    import { mkdtempSync } from "node:fs";
    import { tmpdir } from "node:os";
    import { join } from "node:path";

    const work = mkdtempSync(join(tmpdir(), "a3-"));
    const at = (hhmm: string) => new Date("2026-01-05T" + hhmm + ":00Z");
    // Four triggers of temperature readings. The 12:03 reading of s1 in the last trigger arrives when
    // the watermark (12:17) has passed the end of its window (12:10): it is late and must not count.
    const TRIGGERS: Array<Array<[string, number, string]>> = [
      [["s1", 20.5, "12:01"], ["s2", 18.0, "12:02"], ["s1", 21.5, "12:06"], ["s2", 19.0, "12:08"]],
      [["s1", 22.0, "12:11"], ["s2", 17.5, "12:12"], ["s1", 23.0, "12:14"]],
      [["s2", 16.5, "12:18"], ["s1", 24.0, "12:22"]],
      [["s1", 99.0, "12:03"], ["s2", 16.0, "12:19"]],
    ];
    const readings = new MemoryStream(spark, "sensor STRING, temp DOUBLE, ts TIMESTAMP");
    const tablePath = join(work, "averages");
    const checkpoint = join(work, "checkpoint");
    console.log("input:", TRIGGERS.map((t) => t.length + " readings").join(", "), "| table:", tablePath);
  `),
  md`
    ## q1: windowed averages into Delta (6 points)

    Write \`startAverages()\`: a streaming query over \`readings.toDF()\` that computes, for every sensor
    and every **10-minute tumbling window** of \`ts\`, the average temperature, with a **watermark of 5
    minutes** on \`ts\`, in **append** mode, written as a **Delta** table at \`tablePath\` with its
    checkpoint at \`checkpoint\`. The table's columns: \`sensor\`, \`window_start\`, \`window_end\` and
    \`avg_temp\`. Return the started query.
  `,
  solution("q1-answer", code`
    function startAverages() {
      // BEGIN SOLUTION: withWatermark, groupBy(F.window(...), "sensor"), avg, select, writeStream to delta
      return readings.toDF()
        .withWatermark("ts", "5 minutes")
        .groupBy(F.window("ts", "10 minutes"), "sensor")
        .agg(F.avg("temp").alias("avg_temp"))
        .select("sensor", F.col("window.start").alias("window_start"), F.col("window.end").alias("window_end"), "avg_temp")
        .writeStream.outputMode("append").format("delta")
        .option("checkpointLocation", checkpoint)
        .start(tablePath);
      // END SOLUTION
    }
  `),
  md`
    The feed (do not change it): each trigger's readings go in, and the query processes them.
  `,
  locked("a3-feed", code`
    const query = startAverages();
    for (const t of TRIGGERS) {
      readings.addData(t.map(([sensor, temp, hhmm]) => ({ sensor, temp, ts: at(hhmm) })));
      await query.processAllAvailable();
    }
    await query.stop();
    await spark.read.format("delta").load(tablePath).orderBy("window_start", "sensor").show();
  `),
  tests("q1", 6, code`
    // Append mode writes a window once the watermark (latest event time - 5 min, 12:17 at the end)
    // passes its end: only [12:00, 12:10). The late 12:03 reading of s1 is dropped.
    const q1Expected = (() => {
      const rows: Array<{ sensor: string; start: string; avg: number }> = [];
      const inWindow = (hhmm: string, start: number) => { const m = Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)); return m >= start && m < start + 10; };
      for (const start of [12 * 60]) for (const sensor of ["s1", "s2"]) {
        const temps = TRIGGERS.slice(0, 2).flat().filter(([s, , t]) => s === sensor && inWindow(t, start)).map(([, v]) => v);
        rows.push({ sensor, start: "12:00", avg: temps.reduce((a, b) => a + b, 0) / temps.length });
      }
      return rows;
    })();
    const q1Rows = async () => (await spark.read.format("delta").load(tablePath).orderBy("window_start", "sensor").collect())
      .map((r: any) => ({ sensor: r.sensor, start: new Date(r.window_start).toISOString().slice(11, 16), end: new Date(r.window_end).toISOString().slice(11, 16), avg: r.avg_temp }));
    test("q1", "the table's columns", async () => expect(spark.read.format("delta").load(tablePath).columns).toEqual(["sensor", "window_start", "window_end", "avg_temp"]));
    test("q1", "the closed 10-minute windows and their averages", async () => {
      const got = await q1Rows();
      expect(got.map((r) => r.sensor + "@" + r.start + "-" + r.end), "append mode writes a window once the watermark passes its end").toEqual(["s1@12:00-12:10", "s2@12:00-12:10"]);
      for (let i = 0; i < got.length; i++) expect(got[i].avg, got[i].sensor).toBeCloseTo(q1Expected[i].avg, 9);
    }, { points: 3 });
    // BEGIN HIDDEN TESTS
    test("q1", "the late reading is dropped, not averaged in", async () => {
      const s1 = (await q1Rows()).find((r) => r.sensor === "s1" && r.start === "12:00");
      expect(s1?.avg, "the 12:03 reading arrives after the watermark passed its window's end").toBeCloseTo(21, 9);
    });
    test("q1", "written by a streaming query to Delta, batch by batch", async () => {
      const history = await DeltaTable.forPath(spark, tablePath).history().collect();
      expect(history.some((h: any) => h.operation === "STREAMING UPDATE"), 'use writeStream...format("delta")').toBe(true);
    });
    // END HIDDEN TESTS
    check("q1")
  `),
  md`
    ## q2: delete, then travel back in time (4 points)

    Write \`deleteSensor(sensor)\`: delete the rows of one sensor from the Delta table at \`tablePath\`
    (with \`DeltaTable.forPath\`) and return the **version** the delete created (from the table's
    history). Then write \`countAsOf(version)\`: the number of rows of the table **as of** that version
    (time travel with \`versionAsOf\`).
  `,
  solution("q2-answer", code`
    async function deleteSensor(sensor: string): Promise<number> {
      // BEGIN SOLUTION: DeltaTable.forPath(spark, tablePath).delete(...), then the latest version in history()
      const table = DeltaTable.forPath(spark, tablePath);
      await table.delete(F.col("sensor").eq(sensor));
      const [latest] = await table.history(1).collect();
      return Number(latest.version);
      // END SOLUTION
    }

    async function countAsOf(version: number): Promise<number> {
      // BEGIN SOLUTION: spark.read.format("delta").option("versionAsOf", version).load(tablePath).count()
      return spark.read.format("delta").option("versionAsOf", version).load(tablePath).count();
      // END SOLUTION
    }
  `),
  tests("q2", 4, code`
    const q2Before = await spark.read.format("delta").load(tablePath).count();
    const q2Version = await deleteSensor("s2");
    test("q2", "the delete removes the sensor's rows", async () => {
      const left = await spark.read.format("delta").load(tablePath).filter(F.col("sensor").eq("s2")).count();
      expect(left).toBe(0);
    });
    test("q2", "time travel sees the rows before the delete", async () => expect(await countAsOf(q2Version - 1)).toBe(q2Before), { points: 2 });
    // BEGIN HIDDEN TESTS
    test("q2", "the version is the delete's", async () => {
      const [h] = await DeltaTable.forPath(spark, tablePath).history(1).collect();
      expect([Number(h.version), h.operation]).toEqual([q2Version, "DELETE"]);
      expect(await countAsOf(q2Version)).toBe(q2Before - 1);
    });
    // END HIDDEN TESTS
    check("q2")
  `),
  beforeYouSubmit(),
]);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../../assignments/A3-streaming-and-lakehouse.ipynb", import.meta.url)), A3);
}
