// The Delta transaction log's actions (PROTOCOL.md "Actions"): one JSON object per line in a
// commit file `_delta_log/NNNNNNNNNNNNNNNNNNNN.json`, each with exactly one key naming the action.

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[] | null;
  writerFeatures?: string[] | null;
}

export interface Metadata {
  id: string;
  name?: string | null;
  description?: string | null;
  format: { provider: string; options: Record<string, string> };
  /** The table schema as Spark's JSON schema string. */
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number | null;
}

export interface AddFile {
  /** Relative to the table root (URL-encoded per RFC 2396), or an absolute URI. */
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  /** JSON: numRecords, minValues, maxValues, nullCount. */
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: unknown;
}

export interface RemoveFile {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  extendedFileMetadata?: boolean | null;
  partitionValues?: Record<string, string | null> | null;
  size?: number | null;
  deletionVector?: unknown;
}

export interface CommitInfo {
  timestamp?: number;
  operation?: string;
  operationParameters?: Record<string, unknown>;
  readVersion?: number;
  isolationLevel?: string;
  isBlindAppend?: boolean;
  operationMetrics?: Record<string, string>;
  engineInfo?: string;
  txnId?: string;
  [k: string]: unknown;
}

/** Application transaction id: the last version an application (e.g. a streaming query) committed. */
export interface Txn {
  appId: string;
  version: number;
  lastUpdated?: number | null;
}

export type Action =
  | { protocol: Protocol }
  | { metaData: Metadata }
  | { add: AddFile }
  | { remove: RemoveFile }
  | { commitInfo: CommitInfo }
  | { txn: Txn }
  | { cdc: unknown }
  | { domainMetadata: unknown }
  | { checkpointMetadata: unknown }
  | { sidecar: unknown };

/** Numbers from JSON or Parquet (hyparquet gives INT64 as bigint). */
export function num(v: unknown): number {
  return typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : v == null ? 0 : Number(v);
}

/** One action per line, as the protocol writes them. */
export function actionsToJsonLines(actions: Action[]): string {
  return actions.map((a) => JSON.stringify(a)).join("\n") + "\n";
}

/** A Spark/Delta engine name for commitInfo.engineInfo. */
export const ENGINE_INFO = "bigdata-workbench Delta/0.1 (Delta protocol 1/2)";
