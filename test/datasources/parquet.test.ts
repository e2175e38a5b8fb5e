import { afterAll, describe, expect, it } from "vitest";
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readLocal, writeLocal, resolveScan, readSplit, emptyMetrics, readParquetMetadata } from "../../engine/sql/datasources";
import { StructType, type DataType } from "../../engine/sql/types";
import { cleanupTemp, duckRows, duckTypes, sortedJson, tempDir } from "./helpers";

afterAll(cleanupTemp);

const T = (type: string) => ({ type }) as DataType;

const schema = new StructType()
  .add("i", T("integer")).add("l", T("long")).add("d", T("double")).add("s", T("string"))
  .add("b", T("boolean")).add("dt", T("date")).add("ts", T("timestamp")).add("dec", { type: "decimal", precision: 10, scale: 2 })
  .add("bin", T("binary")).add("arr", { type: "array", elementType: T("integer"), containsNull: true })
  .add("st", { type: "struct", fields: [{ name: "x", dataType: T("long"), nullable: true }, { name: "y", dataType: T("string"), nullable: true }] })
  .add("m", { type: "map", keyType: T("string"), valueType: T("integer"), valueContainsNull: true });

const rows = [
  { i: 1, l: 2n ** 60n, d: 1.5, s: "héllo, 漢字", b: true, dt: new Date("2024-01-02T00:00:00Z"), ts: new Date("2024-01-02T03:04:05.678Z"), dec: 12.34, bin: new Uint8Array([1, 2, 255]), arr: [1, null, 3], st: { x: 5, y: "q" }, m: { a: 1, b: null } },
  { i: null, l: null, d: null, s: null, b: null, dt: null, ts: null, dec: null, bin: null, arr: null, st: null, m: null },
  { i: -7, l: 42, d: -0.25, s: "", b: false, dt: new Date("1969-12-31T00:00:00Z"), ts: new Date("1960-01-01T00:00:00Z"), dec: -0.01, bin: new Uint8Array([]), arr: [], st: { x: null, y: null }, m: {} },
];

/** DuckDB gives maps as [{key, value}] and blobs as Buffers; bring them to our shapes. */
function fromDuck(r: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = { ...r };
  if (Array.isArray(o.m)) o.m = Object.fromEntries((o.m as Array<{ key: string; value: unknown }>).map((e) => [e.key, e.value]));
  if (o.bin instanceof Uint8Array) o.bin = new Uint8Array(o.bin);
  return o;
}

describe("Parquet we write", () => {
  it("is read back by DuckDB with the same rows and types", async () => {
    const out = join(tempDir(), "t");
    writeLocal("parquet", out, schema, [rows.slice(0, 2), rows.slice(2)]);
    const glob = `read_parquet('${out}/*.parquet')`;
    expect(await duckTypes(`select * from ${glob}`)).toEqual({
      i: "INTEGER", l: "BIGINT", d: "DOUBLE", s: "VARCHAR", b: "BOOLEAN", dt: "DATE", ts: "TIMESTAMP WITH TIME ZONE",
      dec: "DECIMAL(10,2)", bin: "BLOB", arr: "INTEGER[]", st: 'STRUCT("x" BIGINT, "y" VARCHAR)', m: "MAP(VARCHAR, INTEGER)",
    });
    const theirs = (await duckRows(`select * from ${glob}`)).map(fromDuck);
    expect(sortedJson(theirs)).toEqual(sortedJson(rows));
  });

  it("is read back by us with the same rows and schema", async () => {
    const out = join(tempDir(), "t");
    writeLocal("parquet", out, schema, [rows]);
    const back = await readLocal({ format: "parquet", paths: [out] });
    expect(back.schema.simpleString()).toBe(schema.simpleString());
    expect(back.rows).toEqual(rows);
  });
});

describe("Parquet DuckDB writes", () => {
  it("is read by us exactly as DuckDB reads it", async () => {
    const f = join(tempDir(), "duck.parquet");
    await duckRows(`COPY (
      SELECT range::INTEGER AS id, (range * 1000000007)::BIGINT AS big, range / 7.0 AS dbl, 'r' || range AS txt,
             range % 3 = 0 AS flag, DATE '2020-01-01' + range::INTEGER AS day,
             TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (range) MINUTE AS at,
             (range / 4)::DECIMAL(9,3) AS dec,
             CASE WHEN range % 5 = 0 THEN NULL ELSE [range, range + 1] END AS xs,
             {'k': range::VARCHAR, 'n': range * 2} AS rec
      FROM range(2500)) TO '${f}' (FORMAT parquet, ROW_GROUP_SIZE 1000, COMPRESSION zstd)`);
    const ours = await readLocal({ format: "parquet", paths: [f] });
    expect(ours.schema.simpleString()).toBe(
      "struct<id:int,big:bigint,dbl:double,txt:string,flag:boolean,day:date,at:timestamp,dec:decimal(9,3),xs:array<bigint>,rec:struct<k:string,n:bigint>>",
    );
    const theirs = await duckRows(`select * from read_parquet('${f}')`);
    expect(ours.rows.length).toBe(2500);
    expect(sortedJson(ours.rows)).toEqual(sortedJson(theirs));
  });

  it("reads gzip and uncompressed files too", async () => {
    for (const codec of ["gzip", "uncompressed", "snappy"]) {
      const f = join(tempDir(), `c-${codec}.parquet`);
      await duckRows(`COPY (SELECT range AS x, 'v' || range AS y FROM range(100)) TO '${f}' (FORMAT parquet, COMPRESSION ${codec})`);
      const ours = await readLocal({ format: "parquet", paths: [f] });
      expect(sortedJson(ours.rows)).toEqual(sortedJson(await duckRows(`select * from read_parquet('${f}')`)));
    }
  });
});

describe("Parquet pushdown", () => {
  const bigSchema = new StructType().add("id", T("long")).add("payload", T("string")).add("grp", T("integer"));
  const makeTable = () => {
    const out = join(tempDir(), "big");
    const data = Array.from({ length: 10_000 }, (_, i) => ({ id: i, payload: `row-${i}-${"x".repeat(40)}`, grp: i % 10 }));
    writeLocal("parquet", out, bigSchema, [data], { options: { rowGroupSize: 1000 } });
    return { out, data };
  };

  it("row-group skipping by min/max reads fewer bytes and still returns every matching row", async () => {
    const { out, data } = makeTable();
    const full = await readLocal({ format: "parquet", paths: [out] });
    const eq = await readLocal({ format: "parquet", paths: [out], pushedFilters: [{ op: "eq", column: "id", value: 5500 }] });
    expect(eq.metrics.rowGroupsRead).toBe(1);
    expect(eq.metrics.rowGroupsSkipped).toBe(9);
    expect(eq.metrics.bytesRead).toBeLessThan(full.metrics.bytesRead / 3);
    // The scan returns the surviving row groups; the engine re-applies the filter above it.
    expect(eq.rows.filter((r) => r.id === 5500)).toEqual(data.filter((r) => r.id === 5500));

    const range = await readLocal({ format: "parquet", paths: [out], pushedFilters: [
      { op: "and", left: { op: "ge", column: "id", value: 2500 }, right: { op: "lt", column: "id", value: 4000 } },
    ] });
    expect(range.metrics.rowGroupsRead).toBe(2);
    expect(range.rows.filter((r) => (r.id as number) >= 2500 && (r.id as number) < 4000).length).toBe(1500);

    const inList = await readLocal({ format: "parquet", paths: [out], pushedFilters: [{ op: "in", column: "id", values: [1, 9999] }] });
    expect(inList.metrics.rowGroupsRead).toBe(2);
    const none = await readLocal({ format: "parquet", paths: [out], pushedFilters: [{ op: "isNull", column: "id" }] });
    expect(none.metrics.rowGroupsRead).toBe(0);
    expect(none.rows).toEqual([]);
    const grp = await readLocal({ format: "parquet", paths: [out], pushedFilters: [{ op: "gt", column: "grp", value: 20 }] });
    expect(grp.rows).toEqual([]);
  });

  it("column pruning reads only the required columns' bytes", async () => {
    const { out } = makeTable();
    const all = await readLocal({ format: "parquet", paths: [out] });
    const idOnly = await readLocal({ format: "parquet", paths: [out], requiredColumns: ["id"] });
    expect(idOnly.schema.simpleString()).toBe("struct<id:bigint>");
    expect(idOnly.rows.length).toBe(10_000);
    expect(Object.keys(idOnly.rows[0]!)).toEqual(["id"]);
    expect(idOnly.metrics.bytesRead).toBeLessThan(all.metrics.bytesRead / 2);
  });

  it("byte-range splits assign each row group to exactly one split", async () => {
    const { out, data } = makeTable();
    const scan = await resolveScan({ format: "parquet", paths: [out] }, { maxPartitionBytes: 20_000, openCostInBytes: 0 });
    expect(scan.tasks.length).toBeGreaterThan(3);
    const m = emptyMetrics();
    const got: unknown[] = [];
    for (const t of scan.tasks) got.push(...(await readSplit(t, m)));
    expect(m.rowGroupsRead).toBe(10);
    expect(got.length).toBe(data.length);
    expect(sortedJson(got)).toEqual(sortedJson(data));
  });
});

// Real files from other systems live beside the repository (../shared/interop), not in it; a
// checkout without them skips these tests.
const INTEROP = resolve(fileURLToPath(new URL("../../", import.meta.url)), "../shared/interop/delta");

describe.skipIf(!existsSync(INTEROP))("Parquet files other systems wrote (Delta tables, read-only)", () => {
  const files = existsSync(INTEROP) ? execSync(`find '${INTEROP}' -name '*.parquet'`).toString().trim().split("\n").filter(Boolean).sort() : [];

  it("reads every parquet file under ../shared/interop/delta without error", async () => {
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const md = await readParquetMetadata(f);
      const r = await readLocal({ format: "parquet", paths: [f] });
      expect(r.rows.length).toBe(Number(md.num_rows));
    }
  });

  it("matches DuckDB on data files and checkpoints", async () => {
    const sample = [
      ...files.filter((f) => !f.includes("_delta_log")).filter((_, i) => i % 9 === 0),
      ...files.filter((f) => f.includes("checkpoint.parquet")).slice(0, 3),
    ];
    expect(sample.length).toBeGreaterThan(5);
    for (const f of sample) {
      const ours = await readLocal({ format: "parquet", paths: [f] });
      const theirs = (await duckRows(`select * from read_parquet('${f}', hive_partitioning = false)`)).map((r) => {
        // DuckDB returns Parquet maps as [{key, value}]; ours are objects keyed by the map key.
        const walk = (v: unknown): unknown => {
          if (Array.isArray(v)) {
            if (v.length && v.every((e) => e && typeof e === "object" && "key" in e && "value" in e && Object.keys(e).length === 2)) {
              return Object.fromEntries(v.map((e) => [e.key, walk(e.value)]));
            }
            return v.map(walk);
          }
          if (v && typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array)) {
            return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
          }
          return v;
        };
        return walk(r);
      });
      // Empty maps come back as [] from DuckDB and {} from us: compare them as equal.
      const canon = (rows: unknown[]) => sortedJson(rows).map((s) => s.replace(/:\[\]/g, ":{}"));
      expect(canon(ours.rows), f).toEqual(canon(theirs));
    }
  });
});
