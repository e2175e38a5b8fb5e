// Shared helpers for the data source tests: temp directories and DuckDB as the independent
// reference reader/writer of Parquet.

import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

const made: string[] = [];

export function tempDir(prefix = "ds-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTemp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function writeText(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

let con: Promise<DuckDBConnection> | null = null;
export function duck(): Promise<DuckDBConnection> {
  con ??= DuckDBInstance.create(":memory:").then((i) => i.connect());
  return con;
}

/** Rows DuckDB returns, with bigints that fit a double turned into numbers (our convention). */
export async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  const c = await duck();
  const r = await c.runAndReadAll(sql);
  return r.getRowObjectsJS().map((row) => normalize(row) as Record<string, unknown>);
}

export async function duckTypes(sql: string): Promise<Record<string, string>> {
  const c = await duck();
  const r = await c.runAndReadAll(sql);
  const names = r.columnNames();
  const types = r.columnTypes().map((t) => t.toString());
  return Object.fromEntries(names.map((n, i) => [n, types[i]!]));
}

export function normalize(v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (v === undefined) return null;
  if (v instanceof Date || v instanceof Uint8Array || v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(normalize);
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) o[k] = normalize(x);
  return o;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** Order-insensitive comparison key of a list of rows (row order and key order ignored). */
export function sortedJson(rows: unknown[]): string[] {
  return rows.map((r) => JSON.stringify(sortKeys(normalize(r)), (_k, x) => (typeof x === "bigint" ? `${x}n` : x instanceof Uint8Array ? Buffer.from(x).toString("hex") : x))).sort();
}
