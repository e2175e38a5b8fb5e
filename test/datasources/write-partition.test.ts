import { afterAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readLocal, writeLocal, listOutput, resolveScan, fileWriteJob, prepareWrite, writeTaskFiles, abortWrite } from "../../engine/sql/datasources";
import { StructType, type DataType } from "../../engine/sql/types";
import { AnalysisError } from "../../engine/common/errors";
import { cleanupTemp, duckRows, sortedJson, tempDir, writeText } from "./helpers";

afterAll(cleanupTemp);

const T = (type: string) => ({ type }) as DataType;
const sales = new StructType().add("year", T("integer")).add("country", T("string")).add("amount", T("double")).add("day", T("date"));
const salesRows = [
  { year: 2023, country: "NL", amount: 1.5, day: new Date("2023-05-01T00:00:00Z") },
  { year: 2023, country: "DE", amount: 2.5, day: new Date("2023-06-01T00:00:00Z") },
  { year: 2024, country: "NL", amount: 3.5, day: new Date("2024-01-01T00:00:00Z") },
  { year: 2024, country: null, amount: 4.5, day: null },
  { year: 2024, country: "a/b=c", amount: 5.5, day: new Date("2024-02-01T00:00:00Z") },
];

describe("partitionBy on write and partition discovery on read", () => {
  it("writes col=value directories and reads them back with typed partition columns", async () => {
    const out = join(tempDir(), "sales");
    writeLocal("parquet", out, sales, [salesRows.slice(0, 3), salesRows.slice(3)], { partitionBy: ["year", "country"] });
    const files = listOutput(out);
    expect(files).toContain("_SUCCESS");
    expect(files.some((f) => f.startsWith("year=2023/country=NL/part-00000-"))).toBe(true);
    expect(files.some((f) => f.startsWith("year=2024/country=__HIVE_DEFAULT_PARTITION__/"))).toBe(true);
    expect(files.some((f) => f.startsWith("year=2024/country=a%2Fb%3Dc/"))).toBe(true);
    expect(files.some((f) => f.includes("_temporary"))).toBe(false);

    const back = await readLocal({ format: "parquet", paths: [out] });
    // Partition columns move to the end, like Spark.
    expect(back.schema.simpleString()).toBe("struct<amount:double,day:date,year:int,country:string>");
    expect(sortedJson(back.rows)).toEqual(sortedJson(salesRows));
    // DuckDB with hive partitioning agrees on the data.
    const duck = await duckRows(`select amount, day, year::INTEGER as year, country from read_parquet('${out}/**/*.parquet', hive_partitioning = true)`);
    expect(duck.length).toBe(5);
  });

  it("prunes partitions with pushed filters before planning splits", async () => {
    const out = join(tempDir(), "sales");
    writeLocal("csv", out, sales, [salesRows], { partitionBy: ["year"], options: { header: true } });
    const all = await resolveScan({ format: "csv", paths: [out], options: { header: true, inferSchema: true } });
    expect(all.schema.simpleString()).toBe("struct<country:string,amount:double,day:date,year:int>");
    const pruned = await resolveScan({ format: "csv", paths: [out], options: { header: true, inferSchema: true }, pushedFilters: [{ op: "eq", column: "year", value: 2023 }] });
    expect(pruned.files.length).toBe(1);
    expect(pruned.totalFiles).toBe(2);
    const r = await readLocal({ format: "csv", paths: [out], options: { header: true, inferSchema: true }, pushedFilters: [{ op: "eq", column: "year", value: 2023 }] });
    expect(r.rows.map((x) => x.country).sort()).toEqual(["DE", "NL"]);
    expect(r.rows.every((x) => x.year === 2023)).toBe(true);
  });

  it("infers partition value types: int, bigint, double, date, string, null", async () => {
    const d = tempDir();
    writeText(join(d, "a=1/b=5000000000/c=1.5/dt=2024-01-02/s=x/f.txt"), "row\n");
    writeText(join(d, "a=2/b=7/c=2/dt=2024-01-03/s=__HIVE_DEFAULT_PARTITION__/f.txt"), "row\n");
    const r = await readLocal({ format: "text", paths: [d] });
    expect(r.schema.simpleString()).toBe("struct<value:string,a:int,b:bigint,c:double,dt:date,s:string>");
    expect(sortedJson(r.rows)).toEqual(sortedJson([
      { value: "row", a: 1, b: 5000000000, c: 1.5, dt: new Date("2024-01-02T00:00:00Z"), s: "x" },
      { value: "row", a: 2, b: 7, c: 2, dt: new Date("2024-01-03T00:00:00Z"), s: null },
    ]));
  });

  it("rejects conflicting directory structures", async () => {
    const d = tempDir();
    writeText(join(d, "a=1/f.txt"), "x\n");
    writeText(join(d, "b=1/f.txt"), "x\n");
    const err = await readLocal({ format: "text", paths: [d] }).catch((e) => e);
    expect(err).toBeInstanceOf(AnalysisError);
    expect(err.condition).toBe("CONFLICTING_DIRECTORY_STRUCTURES");
  });
});

describe("save modes", () => {
  const schema = new StructType().add("x", T("integer"));
  it("errorifexists (default) fails with PATH_ALREADY_EXISTS; ignore keeps; append adds; overwrite replaces", async () => {
    const out = join(tempDir(), "t");
    writeLocal("json", out, schema, [[{ x: 1 }]]);
    const err = (() => { try { writeLocal("json", out, schema, [[{ x: 2 }]]); } catch (e) { return e; } })() as AnalysisError;
    expect(err).toBeInstanceOf(AnalysisError);
    expect(err.condition).toBe("PATH_ALREADY_EXISTS");
    expect(err.message).toContain(`Path file:${out} already exists.`);
    expect(() => writeLocal("json", out, schema, [[{ x: 2 }]], { mode: "error" })).toThrow(/PATH_ALREADY_EXISTS/);

    writeLocal("json", out, schema, [[{ x: 3 }]], { mode: "ignore" });
    expect((await readLocal({ format: "json", paths: [out] })).rows).toEqual([{ x: 1 }]);

    writeLocal("json", out, schema, [[{ x: 4 }], [{ x: 5 }]], { mode: "append" });
    expect((await readLocal({ format: "json", paths: [out] })).rows.map((r) => r.x).sort()).toEqual([1, 4, 5]);

    writeLocal("json", out, schema, [[{ x: 9 }]], { mode: "overwrite" });
    expect((await readLocal({ format: "json", paths: [out] })).rows).toEqual([{ x: 9 }]);
  });

  it("overwrite replaces the whole table; partitionOverwriteMode=dynamic replaces only written partitions", async () => {
    const s = new StructType().add("v", T("integer")).add("p", T("string"));
    const out = join(tempDir(), "t");
    writeLocal("parquet", out, s, [[{ v: 1, p: "a" }, { v: 2, p: "b" }]], { partitionBy: ["p"] });
    writeLocal("parquet", out, s, [[{ v: 3, p: "b" }, { v: 4, p: "c" }]], { partitionBy: ["p"], mode: "overwrite", options: { partitionOverwriteMode: "dynamic" } });
    const dyn = await readLocal({ format: "parquet", paths: [out] });
    expect(sortedJson(dyn.rows)).toEqual(sortedJson([{ v: 1, p: "a" }, { v: 3, p: "b" }, { v: 4, p: "c" }]));
    writeLocal("parquet", out, s, [[{ v: 5, p: "c" }]], { partitionBy: ["p"], mode: "overwrite" });
    expect((await readLocal({ format: "parquet", paths: [out] })).rows).toEqual([{ v: 5, p: "c" }]);
  });

  it("maxRecordsPerFile splits a task's output into numbered files", async () => {
    const out = join(tempDir(), "t");
    writeLocal("json", out, schema, [Array.from({ length: 10 }, (_, i) => ({ x: i }))], { options: { maxRecordsPerFile: 4 } });
    expect(listOutput(out).filter((f) => f.endsWith(".json")).map((f) => f.replace(/^part-00000-[0-9a-f-]+-/, ""))).toEqual(["c000.json", "c001.json", "c002.json"]);
    expect((await readLocal({ format: "json", paths: [out] })).rows.length).toBe(10);
  });

  it("an aborted job leaves no visible files", () => {
    const out = join(tempDir(), "t");
    const job = fileWriteJob("csv", out, schema);
    prepareWrite(job);
    writeTaskFiles(job, 0, [{ x: 1 }]);
    abortWrite(job);
    expect(readdirSync(out)).toEqual([]);
    expect(existsSync(join(out, "_SUCCESS"))).toBe(false);
  });
});

describe("text format writers round-trip", () => {
  const schema = new StructType().add("id", T("integer")).add("name", T("string")).add("score", T("double"))
    .add("ok", T("boolean")).add("day", T("date")).add("at", T("timestamp")).add("big", T("long"));
  const data = [
    { id: 1, name: 'quote " and, comma', score: 1, ok: true, day: new Date("2024-01-02T00:00:00Z"), at: new Date("2024-01-02T03:04:05.123Z"), big: 2n ** 62n },
    { id: 2, name: "", score: 1e20, ok: false, day: null, at: null, big: -5 },
    { id: 3, name: null, score: -0.5, ok: null, day: new Date("1999-12-31T00:00:00Z"), at: new Date("1970-01-01T00:00:00Z"), big: null },
    { id: 4, name: "multi\nline", score: NaN, ok: true, day: null, at: null, big: 0 },
  ];

  it("CSV: header + inferSchema reads back what was written (Spark quoting, empty vs null)", async () => {
    const out = join(tempDir(), "csv");
    writeLocal("csv", out, schema, [data], { options: { header: true, nullValue: "NULL" } });
    const text = readFileSync(join(out, listOutput(out).find((f) => f.endsWith(".csv"))!), "utf8");
    expect(text.split("\n")[0]).toBe("id,name,score,ok,day,at,big");
    expect(text).toContain('"quote \\" and, comma"');
    expect(text).toContain("1.0E20");
    const back = await readLocal({ format: "csv", paths: [out], options: { header: true, nullValue: "NULL", multiLine: true }, userSchema: schema });
    expect(back.rows).toEqual(data);
    const inferred = await readLocal({ format: "csv", paths: [out], options: { header: true, nullValue: "NULL", multiLine: true, inferSchema: true } });
    expect(inferred.schema.simpleString()).toBe("struct<id:int,name:string,score:double,ok:boolean,day:date,at:timestamp,big:bigint>");
  });

  it("JSON lines: writes and reads back the same rows; DuckDB reads the same values", async () => {
    const out = join(tempDir(), "json");
    writeLocal("json", out, schema, [data.slice(0, 2), data.slice(2)]);
    const back = await readLocal({ format: "json", paths: [out], userSchema: schema });
    expect(sortedJson(back.rows)).toEqual(sortedJson(data));
    const duck = await duckRows(`select id, name, ok from read_json_auto('${out}/*.json', format = 'newline_delimited') order by id`);
    expect(duck).toEqual(data.map((r) => ({ id: r.id, name: r.name, ok: r.ok })));
  });

  it("JSON and CSV honour dateFormat / timestampFormat on write and read", async () => {
    const s = new StructType().add("d", T("date")).add("t", T("timestamp"));
    const rows = [{ d: new Date("2024-03-05T00:00:00Z"), t: new Date("2024-03-05T07:08:09Z") }];
    const options = { dateFormat: "dd/MM/yyyy", timestampFormat: "yyyy/MM/dd HH:mm:ss" };
    for (const format of ["json", "csv"] as const) {
      const out = join(tempDir(), format);
      writeLocal(format, out, s, [rows], { options });
      const text = readFileSync(join(out, listOutput(out).find((f) => f.startsWith("part-"))!), "utf8");
      expect(text).toContain("05/03/2024");
      expect(text).toContain("2024/03/05 07:08:09");
      expect((await readLocal({ format, paths: [out], options, userSchema: s })).rows).toEqual(rows);
    }
  });

  it("text: single string column; gzip compression is readable", async () => {
    const s = new StructType().add("value", T("string"));
    const out = join(tempDir(), "txt");
    writeLocal("text", out, s, [[{ value: "a" }, { value: "b" }]], { options: { compression: "gzip" } });
    expect(listOutput(out).some((f) => f.endsWith(".txt.gz"))).toBe(true);
    expect((await readLocal({ format: "text", paths: [out] })).rows).toEqual([{ value: "a" }, { value: "b" }]);
    expect(() => writeLocal("text", join(tempDir(), "bad"), schema, [[]])).toThrow(/single column of string type/);
  });
});
