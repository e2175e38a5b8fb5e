// Writing checkpoints: the whole state at a version (protocol, metaData, txn, add, unexpired
// remove) as one Parquet file in the protocol's checkpoint schema, then the _last_checkpoint hint.
// Written to a temp name and renamed, so readers never see half a checkpoint.

import { randomUUID } from "node:crypto";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { writeParquet } from "../sql/datasources/parquet-writer";
import { Options } from "../sql/datasources/options";
import { parseTableSchema } from "../sql/parser";
import { StructType } from "../sql/types";
import { checkpointName, logDir, writeLastCheckpoint } from "./log-files";
import type { Snapshot } from "./snapshot";

const SMAP = "map<string,string>";
/** The checkpoint schema of PROTOCOL.md (the columns readers need; optional ones left out). */
export const CHECKPOINT_SCHEMA: StructType = parseTableSchema([
  "txn struct<appId:string,version:bigint,lastUpdated:bigint>",
  `add struct<path:string,partitionValues:${SMAP},size:bigint,modificationTime:bigint,dataChange:boolean,stats:string,tags:${SMAP}>`,
  `remove struct<path:string,deletionTimestamp:bigint,dataChange:boolean,extendedFileMetadata:boolean,partitionValues:${SMAP},size:bigint>`,
  `metaData struct<id:string,name:string,description:string,format:struct<provider:string,options:${SMAP}>,schemaString:string,partitionColumns:array<string>,configuration:${SMAP},createdTime:bigint>`,
  "protocol struct<minReaderVersion:int,minWriterVersion:int>",
].join(", "));

/** Default tombstone retention (delta.deletedFileRetentionDuration = interval 1 week). */
export const DEFAULT_TOMBSTONE_RETENTION_MS = 7 * 24 * 3600 * 1000;

export function checkpointRows(snap: Snapshot, now = Date.now()): Record<string, unknown>[] {
  const empty = { txn: null, add: null, remove: null, metaData: null, protocol: null };
  const rows: Record<string, unknown>[] = [];
  rows.push({ ...empty, protocol: { minReaderVersion: snap.protocol.minReaderVersion, minWriterVersion: snap.protocol.minWriterVersion } });
  const m = snap.metadata;
  rows.push({ ...empty, metaData: {
    id: m.id, name: m.name ?? null, description: m.description ?? null, format: { provider: m.format?.provider ?? "parquet", options: m.format?.options ?? {} },
    schemaString: m.schemaString, partitionColumns: m.partitionColumns, configuration: m.configuration ?? {}, createdTime: m.createdTime ?? null,
  } });
  for (const t of snap.txns.values()) rows.push({ ...empty, txn: { appId: t.appId, version: t.version, lastUpdated: t.lastUpdated ?? null } });
  for (const a of snap.files.values()) {
    rows.push({ ...empty, add: { path: a.path, partitionValues: a.partitionValues, size: a.size, modificationTime: a.modificationTime, dataChange: false, stats: a.stats ?? null, tags: a.tags ?? null } });
  }
  const retention = retentionMs(snap);
  for (const r of snap.tombstones.values()) {
    if (r.deletionTimestamp != null && now - Number(r.deletionTimestamp) > retention) continue;
    rows.push({ ...empty, remove: {
      path: r.path, deletionTimestamp: r.deletionTimestamp ?? null, dataChange: false, extendedFileMetadata: r.extendedFileMetadata ?? null,
      partitionValues: r.partitionValues ?? null, size: r.size ?? null,
    } });
  }
  return rows;
}

/** delta.deletedFileRetentionDuration ("interval 7 days", "interval 1 week", ...), in ms. */
export function retentionMs(snap: Snapshot): number {
  const s = snap.metadata.configuration?.["delta.deletedFileRetentionDuration"];
  if (!s) return DEFAULT_TOMBSTONE_RETENTION_MS;
  const m = /interval\s+(\d+)\s+(\w+)/i.exec(s);
  if (!m) return DEFAULT_TOMBSTONE_RETENTION_MS;
  const unit: Record<string, number> = { second: 1e3, minute: 6e4, hour: 3.6e6, day: 8.64e7, week: 6.048e8 };
  const u = unit[m[2]!.toLowerCase().replace(/s$/, "")];
  return u ? Number(m[1]) * u : DEFAULT_TOMBSTONE_RETENTION_MS;
}

/** Write the checkpoint for `snap.version` and point _last_checkpoint at it. */
export function writeCheckpoint(snap: Snapshot): { file: string; rows: number } {
  const rows = checkpointRows(snap);
  const dir = logDir(snap.table);
  const tmp = join(dir, `.${checkpointName(snap.version)}.${randomUUID()}.tmp`);
  writeParquet(tmp, rows, CHECKPOINT_SCHEMA, new Options({}), "snappy");
  const file = join(dir, checkpointName(snap.version));
  renameSync(tmp, file);
  writeLastCheckpoint(snap.table, { version: snap.version, size: rows.length });
  return { file, rows: rows.length };
}

/** delta.checkpointInterval (default 10). */
export function checkpointInterval(snap: Pick<Snapshot, "metadata">): number {
  const v = Number(snap.metadata.configuration?.["delta.checkpointInterval"] ?? 10);
  return Number.isInteger(v) && v > 0 ? v : 10;
}
