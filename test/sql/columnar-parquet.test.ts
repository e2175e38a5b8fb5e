// The columnar Parquet scan (column batches, with the flat number-column decoder) against the
// row reader on DuckDB-written files: nulls, NaN, -0, infinities, longs beyond 2^53, strings,
// booleans, dates, small ints and floats, several row groups, dictionary and plain pages, v1 and
// v2 data pages, NOT NULL (required) columns, and row-group skipping with pushed filters.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { readParquetBatches, readParquetFile, inferParquetSchema } from "../../engine/sql/datasources/parquet-source";
import { batchRows } from "../../engine/sql/column-batch";
import { StructType } from "../../engine/sql/types";
import { emptyMetrics, type PartitionedFile, type PushedFilter } from "../../engine/sql/datasources/types";

let dir: string;
let con: DuckDBConnection;

function exact(v: unknown): string {
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : `n${v}`;
  if (typeof v === "bigint") return `b${v}`;
  if (v instanceof Date) return `d${v.getTime()}`;
  if (v instanceof Uint8Array) return `x${Buffer.from(v).toString("hex")}`;
  if (v === null || v === undefined) return "null";
  return `${typeof v}:${JSON.stringify(v)}`;
}

const SELECT = `SELECT
  CASE WHEN i % 97 = 0 THEN 1152921504606846976 + i ELSE i * 1000003 - 5000000 END::BIGINT AS id,
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 13) - 6 END::INTEGER AS k,
  CASE WHEN i % 11 = 0 THEN NULL WHEN i % 17 = 0 THEN 'NaN'::DOUBLE WHEN i % 19 = 0 THEN -0.0::DOUBLE
       WHEN i % 23 = 0 THEN 'inf'::DOUBLE ELSE (i * 7919 % 1000) / 8.0 END::DOUBLE AS v,
  CASE WHEN i % 5 = 0 THEN NULL ELSE 'w' || (i % 9) END AS s,
  CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
  (DATE '2020-01-01' + (i % 400)::INTEGER) AS dt,
  (i % 100 - 50)::TINYINT AS t, (i % 30000)::SMALLINT AS sm, ((i % 1000) / 3.0)::FLOAT AS f,
  i::INTEGER AS seq
FROM range(5000) r(i)`;

async function write(name: string, options: string, select = SELECT): Promise<string> {
  const path = join(dir, name);
  await con.run(`COPY (${select}) TO '${path}' (FORMAT parquet, ${options})`);
  return path;
}

async function compare(path: string, required: string[], filters: PushedFilter[] = []): Promise<number> {
  const schema = await inferParquetSchema([path], false);
  const cols = { dataSchema: schema, partitionSchema: new StructType([]), requiredColumns: required };
  const file: PartitionedFile = { path, start: 0, length: Number.MAX_SAFE_INTEGER, partitionValues: {} } as PartitionedFile;
  const mRows = emptyMetrics(), mCols = emptyMetrics();
  const rows = (await readParquetFile(file, cols, filters, mRows)).map((r) => required.map((c) => exact(r[c] ?? null)));
  const got: string[][] = [];
  for await (const b of readParquetBatches(file, cols, filters, mCols)) for (const r of batchRows(b)) got.push(r.map(exact));
  expect(got).toEqual(rows);
  expect([mCols.rowGroupsRead, mCols.rowGroupsSkipped, mCols.rowsRead]).toEqual([mRows.rowGroupsRead, mRows.rowGroupsSkipped, mRows.rowsRead]);
  return rows.length;
}

const ALL = ["id", "k", "v", "s", "b", "dt", "t", "sm", "f", "seq"];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "columnar-parquet-"));
  con = await (await DuckDBInstance.create(":memory:")).connect();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("columnar Parquet scan = row Parquet scan", () => {
  it("every column type, several row groups, snappy, v1 pages", async () => {
    const p = await write("v1.parquet", "ROW_GROUP_SIZE 1024, COMPRESSION snappy");
    expect(await compare(p, ALL)).toBe(5000);
    expect(await compare(p, ["v", "k"])).toBe(5000);
  });

  it("v2 data pages, zstd, uncompressed", async () => {
    for (const [name, opts] of [["v2.parquet", "ROW_GROUP_SIZE 2048, PARQUET_VERSION V2"], ["zstd.parquet", "COMPRESSION zstd"], ["plain.parquet", "COMPRESSION uncompressed"]]) {
      const p = await write(name!, opts!);
      expect(await compare(p, ALL)).toBe(5000);
    }
  });

  it("NOT NULL (required) number columns", async () => {
    await con.run(`CREATE OR REPLACE TABLE req (a INTEGER NOT NULL, x DOUBLE NOT NULL, l BIGINT NOT NULL)`);
    await con.run(`INSERT INTO req SELECT i, i / 7.0, i * 3 FROM range(3000) r(i)`);
    const path = join(dir, "req.parquet");
    await con.run(`COPY req TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
    expect(await compare(path, ["x", "l", "a"])).toBe(3000);
  });

  it("nested columns (struct, list, map) next to flat ones", async () => {
    const p = await write("nested.parquet", "ROW_GROUP_SIZE 700", `SELECT i::INTEGER AS a,
      CASE WHEN i % 4 = 0 THEN NULL ELSE {'x': i, 'y': 's' || i} END AS st,
      CASE WHEN i % 5 = 0 THEN NULL ELSE [i, i + 1, NULL] END AS li,
      MAP {'k': i % 3} AS mp, i / 2.0 AS v FROM range(2000) r(i)`);
    const rowsText = (r: unknown) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `b${v}` : v instanceof Map ? [...v] : v));
    const schema = await inferParquetSchema([p], false);
    const cols = { dataSchema: schema, partitionSchema: new StructType([]), requiredColumns: ["a", "st", "li", "mp", "v"] };
    const file = { path: p, start: 0, length: Number.MAX_SAFE_INTEGER, partitionValues: {} } as unknown as PartitionedFile;
    const want = (await readParquetFile(file, cols)).map((r) => rowsText(cols.requiredColumns.map((c) => r[c] ?? null)));
    const got: string[] = [];
    for await (const b of readParquetBatches(file, cols)) for (const r of batchRows(b)) got.push(rowsText(r));
    expect(got).toEqual(want);
    expect(got).toHaveLength(2000);
  });

  it("reused buffers (reuseBuffers): each batch read before the next holds the row reader's values", async () => {
    // Row groups of 1024 rows and a shorter last one; k's nulls are not in every group's pages alike.
    const p = await write("reuse.parquet", "ROW_GROUP_SIZE 1024, COMPRESSION snappy");
    const schema = await inferParquetSchema([p], false);
    const cols = { dataSchema: schema, partitionSchema: new StructType([]), requiredColumns: ALL };
    const file = { path: p, start: 0, length: Number.MAX_SAFE_INTEGER, partitionValues: {} } as PartitionedFile;
    const want = (await readParquetFile(file, cols)).map((r) => ALL.map((c) => exact(r[c] ?? null)));
    const got: string[][] = [];
    const arrays = new Set<unknown>(), lengths: number[] = [];
    for await (const b of readParquetBatches(file, cols, [], undefined, true)) {
      for (const r of batchRows(b)) got.push(r.map(exact));
      const seq = b.columns[ALL.indexOf("seq")]!;
      if (seq.kind === "f64") arrays.add(seq.values);
      lengths.push(b.length);
    }
    expect(got).toEqual(want);
    // The equal-length groups shared one array; the shorter last group got its own.
    expect(lengths.length).toBeGreaterThanOrEqual(3);
    expect(arrays.size).toBe(new Set(lengths).size);
  });

  it("int, short and byte columns (unsigned 8/16-bit too) decode into Int32Array; unsigned 32-bit and longs into doubles", async () => {
    const p = await write("ints.parquet", "ROW_GROUP_SIZE 2048", `SELECT
      CASE WHEN i % 9 = 0 THEN NULL ELSE i * 40503 - 2147000000 END::INTEGER AS i32,
      (i % 256)::UTINYINT AS u8, (i * 7 % 65536)::USMALLINT AS u16, (4294967295 - i)::UINTEGER AS u32,
      (i % 7 - 3)::TINYINT AS i8, (i * 3 % 1000)::INTEGER AS dictish, i::BIGINT AS l
      FROM range(5000) r(i)`);
    const required = ["i32", "u8", "u16", "u32", "i8", "dictish", "l"];
    expect(await compare(p, required)).toBe(5000);
    const schema = await inferParquetSchema([p], false);
    const file = { path: p, start: 0, length: Number.MAX_SAFE_INTEGER, partitionValues: {} } as PartitionedFile;
    for await (const b of readParquetBatches(file, { dataSchema: schema, partitionSchema: new StructType([]), requiredColumns: required })) {
      expect(b.columns.map((c) => (c.kind === "f64" ? c.values.constructor.name : c.kind))).toEqual(
        ["Int32Array", "Int32Array", "Int32Array", "Float64Array", "Int32Array", "Int32Array", "Float64Array"]);
    }
  });

  it("row groups skipped by pushed filters, and a split with no columns", async () => {
    const p = await write("sorted.parquet", "ROW_GROUP_SIZE 500");
    const n = await compare(p, ["seq", "v"], [{ op: "ge", column: "seq", value: 2600 }, { op: "lt", column: "seq", value: 3100 }] as PushedFilter[]);
    expect(n).toBeLessThan(5000);
    expect(await compare(p, [])).toBe(5000);
  });
});
