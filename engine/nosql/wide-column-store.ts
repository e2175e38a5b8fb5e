// A wide-column store (lecture 4; Bigtable, HBase, Cassandra): rows by row key, sorted, split into
// key ranges (regions) over the shards; columns named family:qualifier, where the families are
// fixed by the table and the qualifiers are free per row, so a row stores only the cells it has
// (sparse). Every cell keeps its newest versions by timestamp. Shards live in the worker
// processes (the "nosql.widecolumn" worker service) or, without a session, in this process.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnalysisError } from "../common/errors";
import { compareKeys } from "../common/keys";
import { liveWorkers, type StoreCluster } from "./store-cluster";
import { registerShardService, ShardHost } from "./shard-host";

export interface CellVersion { value: unknown; timestamp: number }

export interface WideColumnOptions {
  name?: string;
  /** Column families (fixed per table, as in HBase). */
  families: string[];
  /** Versions kept per cell (default 3). */
  maxVersions?: number;
  /** Row-key split points between shards (default: even over "a".."z" for `shards` shards). */
  splits?: string[];
  /** Shards (default one per live worker, 2 without a session); ignored when `splits` is given. */
  shards?: number;
  /** Directory of the regions' write logs when they live on workers (default: a fresh temp dir). */
  dir?: string;
}

export interface ReadOptions {
  /** Only these columns ("family:qualifier"). */
  columns?: string[];
  /** Only these families. */
  families?: string[];
  /** Versions per cell (default 1: the value only; more: each cell's newest versions). */
  versions?: number;
}

export interface ScanOptions extends ReadOptions { start?: string; stop?: string; limit?: number }

export interface WideRow { row: string; cells: Record<string, unknown> }

export interface StorageReport {
  rows: number;
  cells: number;
  /** Distinct columns over all rows. */
  columns: number;
  /** Bytes as stored: each present cell (row key, column name, value, 8-byte timestamp), newest version. */
  sparseBytes: number;
  /** Bytes of a dense table of the same rows: each row key once, and a slot for every column, as wide as the widest value of that column plus its timestamp. */
  denseBytes: number;
}

export const WIDE_COLUMN_SERVICE = "nosql.widecolumn";

type Op =
  | { op: "open"; store: string; shard: number; maxVersions: number }
  | { op: "put"; store: string; shard: number; row: string; cells: Array<[string, unknown, number]> }
  | { op: "get"; store: string; shard: number; row: string; read: ReadOptions }
  | { op: "delete"; store: string; shard: number; row: string; columns?: string[] }
  | { op: "scan"; store: string; shard: number; start?: string; stop?: string; read: ReadOptions; limit?: number }
  | { op: "stats"; store: string; shard: number };

const bytesOf = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? "");

/** One region of rows (a key range) with its cells. */
export class WideColumnShard {
  private readonly rows = new Map<string, Map<string, CellVersion[]>>();
  constructor(readonly maxVersions: number) {}

  put(row: string, cells: Array<[string, unknown, number]>): void {
    let r = this.rows.get(row);
    if (!r) this.rows.set(row, (r = new Map()));
    for (const [col, value, timestamp] of cells) {
      // A put at a timestamp the cell already has replaces that version (HBase, Bigtable).
      const vs = (r.get(col) ?? []).filter((v) => v.timestamp !== timestamp);
      vs.push({ value, timestamp });
      vs.sort((a, b) => b.timestamp - a.timestamp);
      r.set(col, vs.slice(0, this.maxVersions));
    }
  }

  private project(r: Map<string, CellVersion[]>, read: ReadOptions): Record<string, unknown> | undefined {
    const out: Record<string, unknown> = {};
    let any = false;
    for (const col of [...r.keys()].sort()) {
      if (read.columns && !read.columns.includes(col)) continue;
      if (read.families && !read.families.includes(col.slice(0, col.indexOf(":")))) continue;
      const vs = r.get(col)!;
      out[col] = (read.versions ?? 1) > 1 ? vs.slice(0, read.versions) : vs[0]!.value;
      any = true;
    }
    return any ? out : undefined;
  }

  get(row: string, read: ReadOptions): Record<string, unknown> | null {
    const r = this.rows.get(row);
    return (r && this.project(r, read)) ?? null;
  }

  delete(row: string, columns?: string[]): boolean {
    const r = this.rows.get(row);
    if (!r) return false;
    if (!columns) return this.rows.delete(row);
    for (const c of columns) r.delete(c);
    if (r.size === 0) this.rows.delete(row);
    return true;
  }

  scan(start: string | undefined, stop: string | undefined, read: ReadOptions, limit?: number): WideRow[] {
    const out: WideRow[] = [];
    for (const row of [...this.rows.keys()].sort(compareKeys)) {
      if (start !== undefined && row < start) continue;
      if (stop !== undefined && row >= stop) break;
      const cells = this.project(this.rows.get(row)!, read);
      if (cells) out.push({ row, cells });
      if (limit !== undefined && out.length >= limit) break;
    }
    return out;
  }

  /** Per-column widest value, cell count and sparse bytes of this shard. */
  stats(): { rows: number; cells: number; sparseBytes: number; keyBytes: number; widths: Record<string, number> } {
    let cells = 0, sparseBytes = 0, keyBytes = 0;
    const widths: Record<string, number> = {};
    for (const [row, r] of this.rows) {
      keyBytes += Buffer.byteLength(row);
      for (const [col, vs] of r) {
        const b = bytesOf(vs[0]!.value);
        cells++;
        sparseBytes += Buffer.byteLength(row) + Buffer.byteLength(col) + b + 8;
        widths[col] = Math.max(widths[col] ?? 0, b);
      }
    }
    return { rows: this.rows.size, cells, sparseBytes, keyBytes, widths };
  }
}

function applyOp(s: WideColumnShard, op: Op): unknown {
  switch (op.op) {
    case "open": return null;
    case "put": s.put(op.row, op.cells); return null;
    case "get": return s.get(op.row, op.read);
    case "delete": return s.delete(op.row, op.columns);
    case "scan": return s.scan(op.start, op.stop, op.read, op.limit);
    case "stats": return s.stats();
  }
}

const makeShard = (open: Op) => new WideColumnShard((open as Extract<Op, { op: "open" }>).maxVersions);
const isWrite = (op: Op) => op.op === "put" || op.op === "delete";

/** Registered by the worker process (nosql/worker.ts). */
export function registerWideColumnService(): void {
  registerShardService<WideColumnShard, Op>(WIDE_COLUMN_SERVICE, makeShard, applyOp, isWrite);
}

export class WideColumnStore {
  readonly name: string;
  readonly families: string[];
  readonly maxVersions: number;
  readonly splits: string[];
  /** Shards the last scan visited (a key range visits only the regions it overlaps). */
  lastScan = { shardsVisited: 0 };
  private shards!: ShardHost<WideColumnShard, Op>;
  private clock = 0;

  private constructor(opts: WideColumnOptions, numShards: number) {
    this.name = opts.name ?? "table";
    const bad = (what: string, v: unknown, why: string) => new AnalysisError("INVALID_TABLE_OPTION", `${what}=${JSON.stringify(v)} is invalid: ${why}.`, { parameters: { [what]: v } });
    if (!Array.isArray(opts.families) || opts.families.length === 0) throw bad("families", opts.families, "a table needs at least one column family");
    for (const f of opts.families) if (typeof f !== "string" || !/^[A-Za-z_][\w-]*$/.test(f)) throw bad("families", f, "a family name is a word (letters, digits, _ and -)");
    this.families = [...opts.families];
    this.maxVersions = opts.maxVersions ?? 3;
    if (!Number.isInteger(this.maxVersions) || this.maxVersions < 1) throw bad("maxVersions", this.maxVersions, "a positive integer is needed");
    this.splits = opts.splits ?? Array.from({ length: numShards - 1 }, (_, i) => String.fromCharCode(97 + Math.floor(((i + 1) * 26) / numShards)));
    if (this.splits.some((s, i) => i > 0 && s <= this.splits[i - 1]!)) throw bad("splits", this.splits, "split keys must be increasing");
  }

  /** A table whose regions live in the session's workers (round-robin), or here without a session. */
  static async create(spark: { cluster?: StoreCluster } | null | undefined, opts: WideColumnOptions): Promise<WideColumnStore> {
    const cluster = spark?.cluster;
    const live = cluster ? liveWorkers(cluster).length : 0;
    const t = new WideColumnStore(opts, opts.splits ? opts.splits.length + 1 : opts.shards ?? (cluster ? Math.max(1, live) : 2));
    t.shards = await ShardHost.open<WideColumnShard, Op>(cluster, WIDE_COLUMN_SERVICE, t.splits.length + 1, makeShard, applyOp,
      (i) => ({ op: "open", store: t.name, shard: i, maxVersions: t.maxVersions }),
      cluster ? { logDir: opts.dir ?? mkdtempSync(join(tmpdir(), `table-${t.name}-`)), isWrite } : {});
    return t;
  }

  /** Where each region lives, with its key range. */
  regions(): Array<{ shard: number; start: string | null; stop: string | null; host: string }> {
    const hosts = this.shards.hosts();
    return hosts.map((host, i) => ({ shard: i, start: i === 0 ? null : this.splits[i - 1]!, stop: i < this.splits.length ? this.splits[i]! : null, host }));
  }

  shardOf(row: string): number {
    let i = 0;
    while (i < this.splits.length && row >= this.splits[i]!) i++;
    return i;
  }

  private checkRow(row: unknown): string {
    if (typeof row !== "string" || row === "") throw new AnalysisError("INVALID_KEY", `Row keys are non-empty strings, got ${JSON.stringify(row) ?? String(row)}.`, { parameters: { row } });
    return row;
  }

  private checkColumn(col: string): string {
    const i = col.indexOf(":");
    if (i <= 0) throw new AnalysisError("INVALID_COLUMN", `Column '${col}' is not family:qualifier.`, { parameters: { column: col } });
    const fam = col.slice(0, i);
    if (!this.families.includes(fam)) {
      throw new AnalysisError("NO_SUCH_COLUMN_FAMILY", `Column family '${fam}' (in '${col}') does not exist in table ${this.name}; its families are ${this.families.join(", ")}.`, { parameters: { family: fam, column: col } });
    }
    return col;
  }

  private checkRead(read: ReadOptions): ReadOptions {
    for (const c of read.columns ?? []) this.checkColumn(c);
    for (const f of read.families ?? []) this.checkColumn(`${f}:x`);
    if (read.versions !== undefined && (!Number.isInteger(read.versions) || read.versions < 1)) throw new AnalysisError("INVALID_TABLE_OPTION", `versions=${String(read.versions)} is invalid: a positive integer is needed.`);
    return read;
  }

  /** Write cells of a row; a cell's new version gets `timestamp` (default: now, increasing). */
  async put(row: string, cells: Record<string, unknown>, opts: { timestamp?: number } = {}): Promise<void> {
    this.checkRow(row);
    const ts = opts.timestamp ?? (this.clock = Math.max(this.clock + 1, Date.now()));
    const list: Array<[string, unknown, number]> = [];
    for (const [col, value] of Object.entries(cells)) {
      this.checkColumn(col);
      if (value === undefined) throw new AnalysisError("INVALID_VALUE", `Cell ${row}/${col} is undefined; delete the column instead.`, { parameters: { row, column: col } });
      list.push([col, value, ts]);
    }
    const s = this.shardOf(row);
    await this.shards.call(s, { op: "put", store: this.name, shard: s, row, cells: list });
  }

  /** A row's cells (newest values, or with `versions` each cell's newest versions), or undefined. */
  async get(row: string, read: ReadOptions = {}): Promise<WideRow | undefined> {
    this.checkRow(row);
    const s = this.shardOf(row);
    const cells = await this.shards.call(s, { op: "get", store: this.name, shard: s, row, read: this.checkRead(read) }) as Record<string, unknown> | null;
    return cells ? { row, cells } : undefined;
  }

  /** Delete a row, or only some of its columns. */
  async delete(row: string, columns?: string[]): Promise<boolean> {
    this.checkRow(row);
    for (const c of columns ?? []) this.checkColumn(c);
    const s = this.shardOf(row);
    return (await this.shards.call(s, { op: "delete", store: this.name, shard: s, row, ...(columns ? { columns } : {}) })) as boolean;
  }

  /** Rows in [start, stop) in key order, from the regions that overlap the range only. */
  async scan(opts: ScanOptions = {}): Promise<WideRow[]> {
    const read = this.checkRead({ ...(opts.columns ? { columns: opts.columns } : {}), ...(opts.families ? { families: opts.families } : {}), ...(opts.versions ? { versions: opts.versions } : {}) });
    const first = opts.start === undefined ? 0 : this.shardOf(opts.start);
    let last = opts.stop === undefined ? this.splits.length : this.shardOf(opts.stop);
    if (opts.stop !== undefined && last > 0 && opts.stop === this.splits[last - 1]) last--; // [start, stop) ends where that region begins
    const out: WideRow[] = [];
    let visited = 0;
    for (let s = first; s <= last; s++) {
      if (opts.limit !== undefined && out.length >= opts.limit) break;
      visited++;
      const rows = await this.shards.call(s, { op: "scan", store: this.name, shard: s, read, ...(opts.start !== undefined ? { start: opts.start } : {}), ...(opts.stop !== undefined ? { stop: opts.stop } : {}), ...(opts.limit !== undefined ? { limit: opts.limit - out.length } : {}) }) as WideRow[];
      out.push(...rows);
    }
    this.lastScan = { shardsVisited: visited };
    return out;
  }

  /** Sparse (as stored) vs dense (a slot per row and column) bytes. */
  async storage(): Promise<StorageReport> {
    const parts = await this.shards.all((s) => ({ op: "stats", store: this.name, shard: s })) as Array<ReturnType<WideColumnShard["stats"]>>;
    const widths: Record<string, number> = {};
    let rows = 0, cells = 0, sparseBytes = 0, keyBytes = 0;
    for (const p of parts) {
      rows += p.rows; cells += p.cells; sparseBytes += p.sparseBytes; keyBytes += p.keyBytes;
      for (const [c, w] of Object.entries(p.widths)) widths[c] = Math.max(widths[c] ?? 0, w);
    }
    const rowWidth = Object.values(widths).reduce((a, w) => a + w + 8, 0);
    return { rows, cells, columns: Object.keys(widths).length, sparseBytes, denseBytes: keyBytes + rows * rowWidth };
  }

  hosts(): string[] { return this.shards.hosts(); }

  /** Regions opened again (from their logs) after their worker was lost. */
  get reopenedRegions(): number { return this.shards.reopened; }
}
