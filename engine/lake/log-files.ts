// The files of a Delta log (`<table>/_delta_log/`): commit files NNNNNNNNNNNNNNNNNNNN.json,
// checkpoints (single-file NNNNNNNNNNNNNNNNNNNN.checkpoint.parquet or multi-part
// NNNNNNNNNNNNNNNNNNNN.checkpoint.PPPPPPPPPP.TTTTTTTTTT.parquet) and _last_checkpoint.
// Commits are created atomically and exclusively: the commit is written to a temp file and then
// hard-linked to its final name, which fails with EEXIST when another writer got there first.

import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExecutionError } from "../common/errors";
import { num, type Action } from "./actions";

export const LOG_DIR = "_delta_log";

export function logDir(table: string): string {
  return join(table, LOG_DIR);
}

export function commitName(version: number): string {
  return `${String(version).padStart(20, "0")}.json`;
}

export function checkpointName(version: number): string {
  return `${String(version).padStart(20, "0")}.checkpoint.parquet`;
}

export interface CheckpointRef {
  version: number;
  /** File names of the checkpoint's parts, in part order. */
  files: string[];
}

export interface LogListing {
  /** Versions with a commit file, ascending. */
  commits: number[];
  /** Complete checkpoints, ascending by version. */
  checkpoints: CheckpointRef[];
}

const COMMIT_RE = /^(\d{20})\.json$/;
const CKPT_RE = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_RE = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2_RE = /^(\d{20})\.checkpoint\.[0-9a-f-]{36}\.(json|parquet)$/;

/** List the log directory (commit files and complete checkpoints). */
export function listLog(table: string): LogListing {
  const dir = logDir(table);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { commits: [], checkpoints: [] };
  }
  const commits: number[] = [];
  const single = new Map<number, string>();
  const multi = new Map<number, Map<number, { total: number; name: string }>>();
  for (const n of names) {
    let m = COMMIT_RE.exec(n);
    if (m) { commits.push(Number(m[1])); continue; }
    m = CKPT_RE.exec(n);
    if (m) { single.set(Number(m[1]), n); continue; }
    m = MULTI_RE.exec(n);
    if (m) {
      const v = Number(m[1]);
      let parts = multi.get(v);
      if (!parts) multi.set(v, (parts = new Map()));
      parts.set(Number(m[2]), { total: Number(m[3]), name: n });
      continue;
    }
    if (V2_RE.test(n)) {
      // A V2 (UUID-named) checkpoint: only readable with reader feature v2Checkpoint. The protocol
      // check refuses the table; the listing just does not use it.
    }
  }
  commits.sort((a, b) => a - b);
  const checkpoints: CheckpointRef[] = [];
  for (const [v, name] of single) checkpoints.push({ version: v, files: [name] });
  for (const [v, parts] of multi) {
    if (single.has(v)) continue;
    const total = [...parts.values()][0]!.total;
    const files: string[] = [];
    for (let p = 1; p <= total; p++) { const x = parts.get(p); if (x) files.push(x.name); }
    if (files.length === total) checkpoints.push({ version: v, files });
  }
  checkpoints.sort((a, b) => a.version - b.version);
  return { commits, checkpoints };
}

/** The _last_checkpoint hint, or undefined when missing or unreadable (callers fall back to listing). */
export function readLastCheckpoint(table: string): { version: number; size?: number; parts?: number } | undefined {
  try {
    const j = JSON.parse(readFileSync(join(logDir(table), "_last_checkpoint"), "utf8")) as { version: number; size?: number; parts?: number };
    return typeof j.version === "number" ? j : undefined;
  } catch {
    return undefined;
  }
}

export function corruptLog(file: string, version: number, why: string): ExecutionError {
  return new ExecutionError("DELTA_LOG_FILE_CORRUPT", `The Delta log file ${file} (version ${version}) cannot be read: ${why}.`, {
    parameters: { file, version }, context: { file },
  });
}

/** Read one commit file's actions. A truncated or corrupt file is reported with its name and version. */
export function readCommit(table: string, version: number): Action[] {
  const file = join(logDir(table), commitName(version));
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ExecutionError("DELTA_VERSIONS_NOT_CONTIGUOUS", `The Delta log is missing version ${version} (${file}).`, { parameters: { version }, context: { file } });
    }
    throw e;
  }
  const out: Action[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const a = JSON.parse(line) as Action;
      if (!a || typeof a !== "object" || Array.isArray(a)) throw new Error("not an action object");
      out.push(a);
    } catch (e) {
      throw corruptLog(file, version, `line ${i + 1} is not valid JSON (${(e as Error).message})`);
    }
  });
  if (text.length && !text.endsWith("\n") && out.length === 0) throw corruptLog(file, version, "empty or truncated");
  return out;
}

/** The commit file's modification time (Delta's commit timestamp). */
export function commitFileTime(table: string, version: number): number {
  return statSync(join(logDir(table), commitName(version))).mtimeMs;
}

export class CommitConflict extends Error {
  constructor(readonly version: number) {
    super(`version ${version} already exists`);
  }
}

/**
 * Create commit `version` with `text` atomically and exclusively. Throws CommitConflict when the
 * version already exists (another writer won the race).
 */
export function writeCommitExclusive(table: string, version: number, text: string): void {
  const dir = logDir(table);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${commitName(version)}.${randomUUID()}.tmp`);
  writeFileSync(tmp, text);
  try {
    linkSync(tmp, join(dir, commitName(version)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new CommitConflict(version);
    throw e;
  } finally {
    try { unlinkSync(tmp); } catch { /* already gone */ }
  }
}

export function writeLastCheckpoint(table: string, info: { version: number; size: number; parts?: number }): void {
  const dir = logDir(table);
  const tmp = join(dir, `._last_checkpoint.${randomUUID()}.tmp`);
  writeFileSync(tmp, JSON.stringify(info));
  // rename replaces atomically: readers see the old or the new hint, never half of one.
  renameSync(tmp, join(dir, "_last_checkpoint"));
}

/** Turn a checkpoint row (hyparquet object: one non-null action column) into an action. */
export function checkpointRowToAction(row: Record<string, unknown>): Action | undefined {
  for (const key of ["protocol", "metaData", "add", "remove", "txn"] as const) {
    const v = row[key];
    if (v === null || v === undefined) continue;
    return { [key]: normalizeParquetValue(v) } as Action;
  }
  return undefined;
}

function normalizeParquetValue(v: unknown): unknown {
  if (typeof v === "bigint") return num(v);
  if (Array.isArray(v)) return v.map(normalizeParquetValue);
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [k, normalizeParquetValue(x)]));
  if (v && typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = normalizeParquetValue(x);
    return o;
  }
  return v;
}

type Hyparquet = typeof import("hyparquet");
let hp: Promise<{ hp: Hyparquet; compressors: (typeof import("hyparquet-compressors"))["compressors"] }> | null = null;
function hyparquet() {
  hp ??= Promise.all([import("hyparquet"), import("hyparquet-compressors")]).then(([h, c]) => ({ hp: h, compressors: c.compressors }));
  return hp;
}

/** Read a checkpoint (all parts) as actions. Corrupt parts are reported with file name and version. */
export async function readCheckpoint(table: string, ref: CheckpointRef): Promise<Action[]> {
  const { hp: h, compressors } = await hyparquet();
  const out: Action[] = [];
  for (const name of ref.files) {
    const file = join(logDir(table), name);
    let rows: Record<string, unknown>[];
    try {
      const buf = readFileSync(file);
      const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
      rows = (await h.parquetReadObjects({ file: ab, compressors })) as Record<string, unknown>[];
    } catch (e) {
      throw corruptLog(file, ref.version, `checkpoint is not a readable Parquet file (${(e as Error).message})`);
    }
    for (const r of rows) {
      const a = checkpointRowToAction(r);
      if (a) out.push(a);
    }
  }
  return out;
}

/**
 * Synchronous read of a checkpoint's protocol and metaData (spark.read...load(path) must return a
 * DataFrame at once): done in a child Node process, only when the JSON commits after the checkpoint
 * do not already hold both.
 */
export function readCheckpointHeaderSync(table: string, ref: CheckpointRef): Action[] {
  const script = `
    import { parquetReadObjects } from "hyparquet";
    import { compressors } from "hyparquet-compressors";
    import { readFileSync } from "node:fs";
    const out = [];
    for (const f of JSON.parse(process.argv[1])) {
      const b = readFileSync(f);
      const rows = await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), compressors, columns: ["protocol", "metaData"] });
      for (const r of rows) { if (r.protocol) out.push({ protocol: r.protocol }); if (r.metaData) out.push({ metaData: r.metaData }); }
    }
    process.stdout.write(JSON.stringify(out, (k, v) => typeof v === "bigint" ? Number(v) : v));`;
  const files = ref.files.map((n) => join(logDir(table), n));
  try {
    const text = execFileSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(files)], {
      encoding: "utf8", cwd: moduleRoot(), stdio: ["ignore", "pipe", "pipe"],
    });
    return (JSON.parse(text) as Action[]).map((a) => normalizeParquetValue(a) as Action);
  } catch (e) {
    throw corruptLog(files[0]!, ref.version, `checkpoint is not a readable Parquet file (${String((e as { stderr?: string }).stderr ?? e).split("\n").find((l) => l.includes("Error")) ?? "read failed"})`);
  }
}

/** A directory from which `import "hyparquet"` resolves (this package's root). */
function moduleRoot(): string {
  let d = new URL(".", import.meta.url).pathname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, "node_modules", "hyparquet"))) return d;
    d = join(d, "..");
  }
  return process.cwd();
}
