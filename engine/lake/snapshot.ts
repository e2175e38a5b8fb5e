// A snapshot of a Delta table at one version: protocol, metadata, the live files and the app
// transaction ids, rebuilt from the newest checkpoint at or before the version plus the JSON
// commits after it (log replay). The newest snapshot of each table is cached, so reading the
// latest version after more commits only replays those commits.

import { AnalysisError } from "../common/errors";
import { num, type Action, type AddFile, type CommitInfo, type Metadata, type Protocol, type RemoveFile, type Txn } from "./actions";
import { commitFileTime, listLog, readCheckpoint, readCheckpointHeaderSync, readCommit, readLastCheckpoint, type CheckpointRef, type LogListing } from "./log-files";
import { schemaFromJson } from "./schema";
import type { StructType } from "../sql/types";
import { localPath } from "../sql/datasources/file-listing";

export interface Snapshot {
  /** Absolute table directory. */
  readonly table: string;
  readonly version: number;
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  readonly schema: StructType;
  /** Live files by path. */
  readonly files: ReadonlyMap<string, AddFile>;
  /** Removed files still within the tombstone retention (for VACUUM and checkpoints). */
  readonly tombstones: ReadonlyMap<string, RemoveFile>;
  readonly txns: ReadonlyMap<string, Txn>;
  /** The checkpoint this snapshot was rebuilt from (undefined: from version 0). */
  readonly checkpointVersion?: number;
  /** How many JSON commit files the last load replayed (for the lecture's measurements). */
  readonly commitsReplayed: number;
}

/** Table features this reader supports (reader version 3's readerFeatures). */
export const SUPPORTED_READER_FEATURES = new Set(["timestampNtz", "vacuumProtocolCheck"]);

export function tablePath(path: string): string {
  return localPath(path);
}

export function notADeltaTable(table: string): AnalysisError {
  return new AnalysisError("DELTA_MISSING_DELTA_TABLE", `\`${table}\` is not a Delta table.`, { parameters: { tableName: table }, context: { file: table } });
}

/** Refuse a table whose protocol needs reader features this implementation lacks (never read it wrongly). */
export function checkReadable(table: string, protocol: Protocol, metadata?: Metadata): void {
  const missing: string[] = [];
  const rv = protocol.minReaderVersion;
  if (rv > 3) missing.push(`readerVersion ${rv}`);
  if (rv === 2) {
    const mode = metadata?.configuration?.["delta.columnMapping.mode"];
    if (mode && mode !== "none") missing.push("columnMapping");
  }
  if (rv === 3) for (const f of protocol.readerFeatures ?? []) if (!SUPPORTED_READER_FEATURES.has(f)) missing.push(f);
  if (missing.length) {
    throw new AnalysisError("DELTA_UNSUPPORTED_FEATURES_FOR_READ",
      `Unable to read this table (${table}) because it requires reader table feature(s) that are unsupported by this version of Delta Lake: ${missing.join(", ")}.`,
      { parameters: { features: missing, table } });
  }
}

/** Canonical key of a file path in the log (add and remove may spell the same file differently encoded). */
export function fileKey(path: string): string {
  try { return decodeURIComponent(path); } catch { return path; }
}

interface MutableState {
  protocol?: Protocol;
  metadata?: Metadata;
  files: Map<string, AddFile>;
  tombstones: Map<string, RemoveFile>;
  txns: Map<string, Txn>;
}

function apply(s: MutableState, actions: Action[]): void {
  for (const a of actions) {
    if ("add" in a) {
      const add = { ...a.add, size: num(a.add.size), modificationTime: num(a.add.modificationTime) };
      const k = fileKey(add.path);
      s.files.set(k, add);
      s.tombstones.delete(k);
    } else if ("remove" in a) {
      const k = fileKey(a.remove.path);
      s.files.delete(k);
      s.tombstones.set(k, a.remove);
    } else if ("metaData" in a) s.metadata = a.metaData;
    else if ("protocol" in a) s.protocol = a.protocol;
    else if ("txn" in a) s.txns.set(a.txn.appId, { ...a.txn, version: num(a.txn.version) });
  }
}

function latestVersion(l: LogListing): number {
  return Math.max(l.commits.length ? l.commits[l.commits.length - 1]! : -1, l.checkpoints.length ? l.checkpoints[l.checkpoints.length - 1]!.version : -1);
}

function versionNotFound(table: string, version: number, l: LogListing): AnalysisError {
  const earliest = l.checkpoints.length ? Math.min(l.checkpoints[0]!.version, l.commits[0] ?? Infinity) : (l.commits[0] ?? 0);
  return new AnalysisError("DELTA_VERSION_NOT_FOUND", `Cannot time travel Delta table to version ${version}. Available versions: [${earliest}, ${latestVersion(l)}].`, {
    parameters: { userVersion: version, earliest, latest: latestVersion(l), table },
  });
}

/** The checkpoint to start from for `target` (hint first, then listing), if any. */
function chooseCheckpoint(table: string, l: LogListing, target: number): CheckpointRef | undefined {
  const hint = readLastCheckpoint(table);
  if (hint && hint.version <= target) {
    const ref = l.checkpoints.find((c) => c.version === hint.version);
    if (ref) {
      // Later complete checkpoints (written after the hint) are better still.
      const later = l.checkpoints.filter((c) => c.version > hint.version && c.version <= target);
      return later.length ? later[later.length - 1] : ref;
    }
  }
  const usable = l.checkpoints.filter((c) => c.version <= target);
  return usable.length ? usable[usable.length - 1] : undefined;
}

const cache = new Map<string, Snapshot>();

/** Forget cached snapshots (tests that rewrite a table behind the cache's back). */
export function clearSnapshotCache(): void {
  cache.clear();
}

/** Does `path` hold a Delta table (a _delta_log with at least one commit or checkpoint)? */
export function isDeltaTable(path: string): boolean {
  const l = listLog(tablePath(path));
  return l.commits.length > 0 || l.checkpoints.length > 0;
}

type SnapshotBarrier = (table: string) => Promise<void>;
let barrier: SnapshotBarrier | undefined;
/** Installed by sql-commands.ts: a load waits for the SQL commands issued on its table before it. */
export function setSnapshotBarrier(b: SnapshotBarrier): void { barrier = b; }

/** The table's log and the version asked for (default: the latest), checked to exist. */
function resolveVersion(path: string, version: number | undefined): { table: string; l: LogListing; latest: number; target: number } {
  const table = tablePath(path);
  const l = listLog(table);
  const latest = latestVersion(l);
  if (latest < 0) throw notADeltaTable(table);
  const target = version ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) throw versionNotFound(table, target, l);
  return { table, l, latest, target };
}

/** Rebuild the snapshot at `version` (default: the latest). */
export async function loadSnapshot(path: string, version?: number): Promise<Snapshot> {
  if (barrier) await barrier(tablePath(path));
  const { table, l, latest, target } = resolveVersion(path, version);

  const cached = cache.get(table);
  let state: MutableState;
  let from: number;
  let checkpointVersion: number | undefined;
  const cp = chooseCheckpoint(table, l, target);
  if (cached && cached.version <= target && (!cp || cp.version <= cached.version)) {
    state = { protocol: cached.protocol, metadata: cached.metadata, files: new Map(cached.files), tombstones: new Map(cached.tombstones), txns: new Map(cached.txns) };
    from = cached.version + 1;
    checkpointVersion = cached.checkpointVersion;
  } else {
    state = { files: new Map(), tombstones: new Map(), txns: new Map() };
    if (cp) {
      apply(state, await readCheckpoint(table, cp));
      from = cp.version + 1;
      checkpointVersion = cp.version;
    } else {
      if (l.commits[0] !== 0) throw versionNotFound(table, target, l);
      from = 0;
    }
  }
  let replayed = 0;
  for (let v = from; v <= target; v++) {
    apply(state, readCommit(table, v));
    replayed++;
  }
  if (!state.protocol || !state.metadata) {
    throw new AnalysisError("DELTA_STATE_RECOVER_ERROR", `The protocol or metadata of the Delta table ${table} could not be recovered at version ${target}.`, { parameters: { version: target } });
  }
  checkReadable(table, state.protocol, state.metadata);
  const snap: Snapshot = {
    table, version: target, protocol: state.protocol, metadata: state.metadata, schema: schemaFromJson(state.metadata.schemaString),
    files: state.files, tombstones: state.tombstones, txns: state.txns, checkpointVersion, commitsReplayed: replayed,
  };
  if (version === undefined || target === latest) {
    const c = cache.get(table);
    if (!c || c.version <= target) cache.set(table, snap);
  }
  return snap;
}

/**
 * Synchronously: the protocol and metadata at `version` (default latest), for schema inference.
 * Reads JSON commits backwards; only a checkpoint-only table needs the (child-process) Parquet read.
 */
export function loadHeaderSync(path: string, version?: number): { version: number; protocol: Protocol; metadata: Metadata; schema: StructType } {
  const { table, l, target } = resolveVersion(path, version);
  const cached = cache.get(table);
  if (cached && cached.version === target) return cached;
  const cp = chooseCheckpoint(table, l, target);
  let protocol: Protocol | undefined;
  let metadata: Metadata | undefined;
  const low = cp ? cp.version + 1 : 0;
  if (!cp && l.commits[0] !== 0) throw versionNotFound(table, target, l);
  for (let v = target; v >= low && !(protocol && metadata); v--) {
    for (const a of readCommit(table, v)) {
      if ("protocol" in a && !protocol) protocol = a.protocol;
      if ("metaData" in a && !metadata) metadata = a.metaData;
    }
  }
  if (!(protocol && metadata) && cp) {
    for (const a of readCheckpointHeaderSync(table, cp)) {
      if ("protocol" in a && !protocol) protocol = a.protocol;
      if ("metaData" in a && !metadata) metadata = a.metaData;
    }
  }
  if (!protocol || !metadata) {
    throw new AnalysisError("DELTA_STATE_RECOVER_ERROR", `The protocol or metadata of the Delta table ${table} could not be recovered at version ${target}.`, { parameters: { version: target } });
  }
  checkReadable(table, protocol, metadata);
  return { version: target, protocol, metadata, schema: schemaFromJson(metadata.schemaString) };
}

export interface HistoryEntry {
  version: number;
  /** Commit time in ms (commitInfo.timestamp, else the commit file's modification time). */
  timestamp: number;
  commitInfo: CommitInfo;
  /** Counts of the commit's actions (for the lecture's log table). */
  added: number;
  removed: number;
  actions: Action[];
}

/** Every commit still in the log, newest first (limit: the newest n). */
export function readHistory(path: string, limit?: number): HistoryEntry[] {
  const table = tablePath(path);
  const l = listLog(table);
  if (latestVersion(l) < 0) throw notADeltaTable(table);
  const versions = [...l.commits].reverse().slice(0, limit ?? Infinity);
  return versions.map((v) => {
    const actions = readCommit(table, v);
    const ci = (actions.find((a) => "commitInfo" in a) as { commitInfo: CommitInfo } | undefined)?.commitInfo ?? {};
    return {
      version: v,
      timestamp: ci.timestamp !== undefined ? num(ci.timestamp) : commitFileTime(table, v),
      commitInfo: ci,
      added: actions.filter((a) => "add" in a).length,
      removed: actions.filter((a) => "remove" in a).length,
      actions,
    };
  });
}

function parseTimestamp(ts: Date | string | number): number {
  const t = ts instanceof Date ? ts.getTime() : typeof ts === "number" ? ts : Date.parse(/Z|[+-]\d\d:?\d\d$/.test(ts) ? ts : ts.replace(" ", "T") + "Z");
  if (Number.isNaN(t)) throw new AnalysisError("DELTA_TIMESTAMP_INVALID", `The provided timestamp (${String(ts)}) cannot be converted to a valid timestamp.`, { parameters: { expr: String(ts) } });
  return t;
}

/** Versions oldest first with their commit times, made monotonic as Delta does with file modification times. */
function commitTimes(path: string): Array<{ version: number; time: number }> {
  let prev = -Infinity;
  return readHistory(path).reverse().map((h) => ({ version: h.version, time: (prev = Math.max(prev + 1, h.timestamp)) }));
}

function tooLate(path: string, t: number, last: number): AnalysisError {
  return new AnalysisError("DELTA_TIMESTAMP_GREATER_THAN_COMMIT",
    `The provided timestamp (${new Date(t).toISOString()}) is after the latest version available to this table (${new Date(last).toISOString()}). Please use a timestamp before or at ${new Date(last).toISOString()}.`,
    { parameters: { providedTimestamp: t, tableName: path, maximumTimestamp: last } });
}

/** Delta's timestampAsOf: the newest version committed at or before `ts`. */
export function versionAtTimestamp(path: string, ts: Date | string | number): number {
  const t = parseTimestamp(ts);
  const hist = commitTimes(path);
  if (!hist.length || t < hist[0]!.time) {
    const first = hist.length ? new Date(hist[0]!.time).toISOString() : undefined;
    throw new AnalysisError("DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION",
      `The provided timestamp (${new Date(t).toISOString()}) is before the earliest version available to this table (${first ?? "none"}). Please use a timestamp after ${first ?? "the first commit"}.`,
      { parameters: { timestamp: t } });
  }
  const last = hist[hist.length - 1]!.time;
  if (t > last) throw tooLate(path, t, last);
  let v = hist[0]!.version;
  for (const h of hist) if (h.time <= t) v = h.version;
  return v;
}

/**
 * Delta's streaming startingTimestamp: the first version committed at or after `ts` (the earliest
 * version when `ts` precedes every commit); a timestamp after the latest commit is an error.
 */
export function firstVersionAtOrAfter(path: string, ts: Date | string | number): number {
  const t = parseTimestamp(ts);
  const hist = commitTimes(path);
  const hit = hist.find((h) => h.time >= t);
  if (!hit) throw tooLate(path, t, hist.length ? hist[hist.length - 1]!.time : 0);
  return hit.version;
}
