// Shared harness of the DuckDB differential suites: a seeded generator, loading the same tables
// into a SqlSession and DuckDB, and comparing query results as multisets of rows.
import { expect } from "vitest";
import type { DuckDBConnection } from "@duckdb/node-api";
import { SqlSession } from "../../../engine/sql/index";
import { localHost } from "./local-context";

/** xorshift32: the same tables for the same seed, on every machine. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

export interface DiffTable {
  name: string;
  /** Spark DDL of the columns, e.g. "id int, w string". */
  sparkSchema: string;
  /** DuckDB column definitions, e.g. "id INTEGER, w VARCHAR". */
  duckColumns: string;
  rows: unknown[][];
}

const lit = (v: unknown) => (v === null ? "NULL" : typeof v === "string" ? `'${v}'` : String(v));

/** A session (shuffle partitions varying with the seed) and DuckDB holding the same tables. */
export async function loadBoth(con: DuckDBConnection, seed: number, tables: DiffTable[]): Promise<SqlSession> {
  const spark = new SqlSession(localHost({ "spark.sql.shuffle.partitions": String(1 + (seed % 3)) }));
  for (const t of tables) {
    spark.createDataFrame(t.rows, t.sparkSchema).createOrReplaceTempView(t.name);
    await con.run(`CREATE OR REPLACE TABLE ${t.name} (${t.duckColumns})`);
    await con.run(`INSERT INTO ${t.name} VALUES ${t.rows.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}`);
  }
  return spark;
}

/** Every query gives the same multiset of rows here and in DuckDB (values through `norm`). */
export async function expectSameRows(spark: SqlSession, con: DuckDBConnection, queries: string[], norm: (v: unknown) => unknown): Promise<void> {
  const key = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r.map(norm))).sort();
  for (const q of queries) {
    const ours = await spark.sql(q).collectInternal();
    const theirs = (await con.runAndReadAll(q)).getRows() as unknown[][];
    expect(key(ours), q).toEqual(key(theirs));
  }
}
