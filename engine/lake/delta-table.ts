// DeltaTable with delta-spark's names: forPath / forName / toDF / history / detail / delete /
// update / merge / vacuum / restoreToVersion / optimize. DML rewrites whole files, as Delta does
// without deletion vectors: find the files holding affected rows (a scan that carries each row's
// file), rewrite those files' rows with the change applied (new Parquet files, staged by the
// delta data source), then commit remove(old) + add(new) in one optimistic transaction.

import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, statSync, unlinkSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { AnalysisError } from "../common/errors";
import { sqlSessionOf, type SqlSessionLike } from "../sql";
import { Column } from "../sql/api/column";
import { andAll, anyExpr, splitConjuncts, type Expr } from "../sql/expressions/expression";
import type { DataFrame } from "../sql/api/dataframe";
import * as F from "../sql/api/functions";
import type { SqlSession } from "../sql/api/sql-session";
import { simpleString } from "../sql/types";
import type { PushedFilter } from "../sql/datasources/types";
import type { Action, AddFile, RemoveFile } from "./actions";
import { retentionMs } from "./checkpoint";
import { FILE_COLUMN, FILE_COLUMN_OPTION, FILES_OPTION, SCAN_ID_OPTION, STAGE_OPTION, addFilePath, prunedFiles, scanRecords, setReplaceWhereEvaluator, stagedWrites, typedPartitionValues } from "./delta-source";
import { LOG_DIR } from "./log-files";
import { fileKey, isDeltaTable, loadSnapshot, notADeltaTable, readHistory, tablePath, versionAtTimestamp, type Snapshot } from "./snapshot";
import { commit, type CommitResult } from "./transaction";
import { historyDataFrame } from "./log-frames";
import { DeltaMergeBuilder, DeltaOptimizeBuilder, type Assignments, type Cond, type MergeClause, type MergeTarget } from "./merge-builders";
import { deltaTablePath } from "./table-names";
export { historyDataFrame, deltaLog } from "./log-frames";
export { DeltaMergeBuilder, DeltaOptimizeBuilder, type MergeClause } from "./merge-builders";
export { registerDeltaTableName, deltaTablePath } from "./table-names";


function col(c: Cond): Column {
  return typeof c === "string" ? F.expr(c) : c;
}
function value(v: string | Column | number | boolean | null): Column {
  return typeof v === "string" ? F.expr(v) : v === null || typeof v !== "object" ? F.lit(v) : v;
}


export class DeltaTable implements MergeTarget {
  private constructor(readonly session: SqlSession, readonly path: string, private readonly aliasName?: string) {}

  static forPath(spark: SqlSessionLike, path: string): DeltaTable {
    const p = tablePath(path);
    if (!isDeltaTable(p)) throw notADeltaTable(p);
    return DeltaTable.forPendingPath(spark, p);
  }
  /** @internal A table a queued SQL command is still creating (CREATE TABLE ... then DELETE at once): checked when the command runs. */
  static forPendingPath(spark: SqlSessionLike, path: string): DeltaTable {
    const session = sqlSessionOf(spark);
    installReplaceWhere(session);
    return new DeltaTable(session, tablePath(path));
  }
  static forName(spark: SqlSessionLike, name: string): DeltaTable {
    return DeltaTable.forPath(spark, deltaTablePath(sqlSessionOf(spark), name));
  }
  static isDeltaTable(_spark: SqlSessionLike, path: string): boolean {
    return isDeltaTable(path);
  }
  /** DeltaTable.createIfNotExists-free shortcut: convert nothing, just open. */
  alias(name: string): DeltaTable { return new DeltaTable(this.session, this.path, name); }
  as(name: string): DeltaTable { return this.alias(name); }

  toDF(): DataFrame {
    const df = this.session.read.format("delta").load(this.path);
    return this.aliasName ? df.alias(this.aliasName) : df;
  }

  /** Commits newest first, with DESCRIBE HISTORY's columns. */
  history(limit?: number): DataFrame {
    return historyDataFrame(this.session, readHistory(this.path, limit));
  }

  /** DESCRIBE DETAIL. */
  async detailRow(): Promise<Record<string, unknown>> {
    const s = await loadSnapshot(this.path);
    const h = readHistory(this.path, 1)[0];
    return {
      format: "delta", id: s.metadata.id, name: s.metadata.name ?? null, description: s.metadata.description ?? null, location: "file:" + s.table,
      createdAt: s.metadata.createdTime ? new Date(Number(s.metadata.createdTime)) : null, lastModified: h ? new Date(h.timestamp) : null,
      partitionColumns: s.metadata.partitionColumns, numFiles: s.files.size, sizeInBytes: [...s.files.values()].reduce((a, f) => a + f.size, 0),
      properties: s.metadata.configuration ?? {}, minReaderVersion: s.protocol.minReaderVersion, minWriterVersion: s.protocol.minWriterVersion,
    };
  }
  async detail(): Promise<DataFrame> {
    const r = await this.detailRow();
    return this.session.createDataFrame([r], "format string, id string, name string, description string, location string, createdAt timestamp, lastModified timestamp, partitionColumns array<string>, numFiles bigint, sizeInBytes bigint, properties map<string,string>, minReaderVersion int, minWriterVersion int");
  }

  // ---- scans with the file of each row ------------------------------------------------------------

  private scan(snap: Snapshot, files?: string[], scanId?: string): DataFrame {
    let r = this.session.read.format("delta").option("versionAsOf", snap.version).option(FILE_COLUMN_OPTION, "1");
    if (files) r = r.option(FILES_OPTION, JSON.stringify(files));
    if (scanId) r = r.option(SCAN_ID_OPTION, scanId);
    const df = r.load(this.path);
    return this.aliasName ? df.alias(this.aliasName) : df;
  }

  private async touchedFiles(snap: Snapshot, cond: Column): Promise<string[]> {
    return (await this.touchedScan(snap, cond)).touched;
  }

  /**
   * The files holding rows that match `cond`, and what finding them read: the files the scan
   * opened after partition pruning and data skipping, and its predicate (for conflict checks).
   */
  private async touchedScan(snap: Snapshot, cond: Column): Promise<{ touched: string[]; read: ReadSet }> {
    const id = randomUUID();
    try {
      const rows = await this.scan(snap, undefined, id).filter(cond).select(FILE_COLUMN).distinct().collect();
      const rec = scanRecords.get(id);
      const read: ReadSet = rec ? { files: rec.files, predicate: filePredicate(snap, rec.filters) } : { files: [...snap.files.keys()] };
      return { touched: rows.map((r) => String(r[FILE_COLUMN])), read };
    } finally {
      scanRecords.delete(id);
    }
  }

  /** Write `df` (the table's columns) as new files without committing; returns the adds. */
  private async stage(df: DataFrame): Promise<{ adds: AddFile[]; rows: number }> {
    const id = randomUUID();
    await df.write.format("delta").mode("append").option(STAGE_OPTION, id).save(this.path);
    const s = stagedWrites.get(id) ?? { adds: [], rows: 0, bytes: 0 };
    stagedWrites.delete(id);
    return s;
  }

  private removes(snap: Snapshot, keys: Iterable<string>, dataChange = true): RemoveFile[] {
    const now = Date.now();
    return [...keys].map((k) => {
      const a = snap.files.get(k)!;
      return { path: a.path, deletionTimestamp: now, dataChange, extendedFileMetadata: true, partitionValues: a.partitionValues, size: a.size };
    });
  }

  private castToTable(snap: Snapshot, cols: Record<string, Column>): Column[] {
    return snap.schema.fields.map((f) => cols[f.name]!.cast(simpleString(f.dataType)).alias(f.name));
  }

  /** Commit a DML change; `read` is what it read (default: the whole table). */
  private commitDml(snap: Snapshot, operation: string, actions: Action[], params: Record<string, unknown>, metrics: Record<string, number>, read?: ReadSet): Promise<CommitResult> {
    return commit({
      table: this.path, readVersion: snap.version, actions, operation, operationParameters: params, operationMetrics: metrics,
      isBlindAppend: false, isolationLevel: "WriteSerializable",
      ...(read ? { readWholeTable: false, readFiles: read.files, ...(read.predicate ? { readPredicate: read.predicate } : {}) } : { readWholeTable: true, readFiles: snap.files.keys() }),
    });
  }

  // ---- DML ------------------------------------------------------------------------------------------

  /** DELETE FROM t WHERE condition (all rows without a condition). */
  async delete(condition?: Cond): Promise<void> {
    await this.runDelete(condition);
  }

  /** @internal DELETE; resolves to the number of rows deleted (SQL's num_affected_rows). */
  async runDelete(condition?: Cond): Promise<number> {
    const snap = await loadSnapshot(this.path);
    if (condition === undefined) {
      const rm = this.removes(snap, snap.files.keys());
      const n = sumRecords(snap, snap.files.keys());
      if (rm.length) await this.commitDml(snap, "DELETE", rm.map((r) => ({ remove: r })), { predicate: "[]" }, { numRemovedFiles: rm.length, numDeletedRows: n, numAddedFiles: 0, numCopiedRows: 0 });
      return n;
    }
    const c = col(condition);
    const { touched, read } = await this.touchedScan(snap, c);
    if (!touched.length) return 0;
    const kept = this.scan(snap, touched).filter(c.not().or(c.isNull())).drop(FILE_COLUMN);
    const staged = await this.stage(kept);
    const rm = this.removes(snap, touched);
    const before = sumRecords(snap, touched);
    await this.commitDml(snap, "DELETE", [...rm.map((r) => ({ remove: r })), ...staged.adds.map((a) => ({ add: a }))],
      { predicate: JSON.stringify([String(condition)]) },
      { numRemovedFiles: rm.length, numAddedFiles: staged.adds.length, numCopiedRows: staged.rows, numDeletedRows: before - staged.rows }, read);
    return before - staged.rows;
  }

  /** UPDATE t SET ... [WHERE condition]: update(set) or update(condition, set), or update({ condition, set }). */
  async update(a: Cond | Assignments | { condition?: Cond; set: Assignments }, b?: Assignments): Promise<void> {
    let condition: Cond | undefined, set: Assignments;
    if (b !== undefined) { condition = a as Cond; set = b; }
    else if (a && typeof a === "object" && "set" in a && typeof (a as { set: unknown }).set === "object" && !(a as object as Column).expr) {
      ({ condition, set } = a as { condition?: Cond; set: Assignments });
    } else set = a as Assignments;
    await this.runUpdate(condition, set);
  }

  /** @internal UPDATE; resolves to the number of rows updated (SQL's num_affected_rows). */
  async runUpdate(condition: Cond | undefined, set: Assignments): Promise<number> {
    const snap = await this.snapshotChecked(Object.keys(set));
    const c = condition === undefined ? F.lit(true) : col(condition);
    const { touched, read } = await this.touchedScan(snap, c);
    if (!touched.length) return 0;
    const df = this.scan(snap, touched);
    const cols: Record<string, Column> = {};
    for (const f of snap.schema.fields) {
      const target = Object.keys(set).find((k) => k.replace(/^.*\./, "").toLowerCase() === f.name.toLowerCase());
      cols[f.name] = target === undefined ? df.col(f.name) : F.when(c, value(set[target]!)).otherwise(df.col(f.name));
    }
    const updatedRows = await df.filter(c).count();
    const staged = await this.stage(df.select(...this.castToTable(snap, cols)));
    const rm = this.removes(snap, touched);
    await this.commitDml(snap, "UPDATE", [...rm.map((r) => ({ remove: r })), ...staged.adds.map((x) => ({ add: x }))],
      { predicate: JSON.stringify([condition === undefined ? "true" : String(condition)]) },
      { numRemovedFiles: rm.length, numAddedFiles: staged.adds.length, numUpdatedRows: updatedRows, numCopiedRows: staged.rows - updatedRows },
      condition === undefined ? undefined : read);
    return updatedRows;
  }

  private async snapshotChecked(columns: string[]): Promise<Snapshot> {
    const snap = await loadSnapshot(this.path);
    for (const k of columns) {
      const name = k.replace(/^.*\./, "");
      if (!snap.schema.field(name)) {
        throw new AnalysisError("DELTA_COLUMN_NOT_FOUND_IN_MERGE", `Unable to find the column '${name}' of the target table from the INSERT/UPDATE columns: ${snap.schema.fieldNames.join(", ")}.`, { parameters: { targetCol: name } });
      }
    }
    return snap;
  }

  /** MERGE INTO this USING source ON condition: add clauses, then execute(). */
  merge(source: DataFrame, condition: Cond): DeltaMergeBuilder {
    return new DeltaMergeBuilder(this, source, condition);
  }

  /** @internal the merge itself (see DeltaMergeBuilder). */
  async runMerge(source: DataFrame, condition: Cond, clauses: MergeClause[]): Promise<DataFrame> {
    const snap = await loadSnapshot(this.path);
    const cond = col(condition);
    const matched = clauses.filter((c) => c.when === "matched");
    const notMatched = clauses.filter((c) => c.when === "notMatched");
    const bySource = clauses.filter((c) => c.when === "notMatchedBySource");
    for (const c of clauses) if (c.assignments && c.assignments !== "*") await this.snapshotChecked(Object.keys(c.assignments));

    const T_ = "__t_present", S_ = "__s_present", ACT = "__merge_action", ROW = "__delta_row";
    /** Each joined row's clause: m<i>/b<i>/n<i>, keepM (matched, no clause applies), keepT (target only), drop. */
    const actionOf = (j: DataFrame): Column => {
      const isMatched = j.col(T_).isNotNull().and(j.col(S_).isNotNull());
      const tOnly = j.col(T_).isNotNull().and(j.col(S_).isNull());
      const sOnly = j.col(T_).isNull();
      let act: Column | undefined;
      const add = (pred: Column, code: string) => { act = act ? act.when(pred, code) : F.when(pred, code); };
      matched.forEach((c, i) => add(c.condition === undefined ? isMatched : isMatched.and(col(c.condition)), `m${i}`));
      add(isMatched, "keepM");
      bySource.forEach((c, i) => add(c.condition === undefined ? tOnly : tOnly.and(col(c.condition)), `b${i}`));
      add(tOnly, "keepT");
      notMatched.forEach((c, i) => add(c.condition === undefined ? sOnly : sOnly.and(col(c.condition)), `n${i}`));
      return act!.otherwise("drop");
    };

    // 1. One job over the whole target: each target row's clause and how many source rows it
    //    matched (Delta's check: at most one). It gives the files to rewrite and the matched /
    //    not-matched-by-source metrics. Unmatched source rows are left to the rewrite: keeping them
    //    here would need an outer join that preserves the source, which cannot broadcast it.
    // Conjuncts of ON on target columns alone (t.date = '2024-01-01') narrow what the merge reads:
    // fewer files scanned (pruning, data skipping), and conflicts only with commits touching those.
    const targetOnly = bySource.length ? [] : targetOnlyConjuncts(cond.expr, this.aliasName);
    const scanId = randomUUID();
    let tScan = this.scan(snap, undefined, scanId);
    if (targetOnly.length) tScan = tScan.filter(new Column(andAll(targetOnly)!));
    const t1 = tScan.withColumn(T_, F.lit(true)).withColumn(ROW, F.monotonically_increasing_id());
    const s1 = source.withColumn(S_, F.lit(true));
    const j1 = t1.join(s1, cond, bySource.length ? "left" : "inner");
    const perRow = j1.withColumn(ACT, actionOf(j1)).groupBy(FILE_COLUMN, ROW).agg(F.count(F.lit(1)).alias("pairs"), F.max(ACT).alias("act"));
    let groups: Awaited<ReturnType<DataFrame["collect"]>>;
    let read: ReadSet | undefined;
    try {
      groups = await perRow.groupBy(FILE_COLUMN, "act").agg(F.count(F.lit(1)).alias("rows"), F.max("pairs").alias("maxPairs")).collect();
      const rec = scanRecords.get(scanId);
      if (targetOnly.length && rec) read = { files: rec.files, predicate: filePredicate(snap, rec.filters) };
    } finally {
      scanRecords.delete(scanId);
    }
    const isMatchCode = (code: string) => code === "keepM" || code.startsWith("m");
    const unconditionalDeleteOnly = matched.length === 1 && matched[0]!.action === "delete" && matched[0]!.condition === undefined;
    if (matched.length && !unconditionalDeleteOnly && groups.some((g) => isMatchCode(String(g.act)) && Number(g.maxPairs) > 1)) throw new ExecutionErrorMerge();
    // Files with a row a clause changes; with NOT MATCHED clauses also files with a matched row no
    // clause changes (its source row must stay matched in the rewrite, not turn into an insert).
    const rewrites = (code: string) => /^[mb]\d/.test(code) || (notMatched.length > 0 && code === "keepM");
    const touched = [...new Set(groups.filter((g) => rewrites(String(g.act))).map((g) => String(g[FILE_COLUMN])))];
    const counts = new Map<string, number>();
    for (const g of groups) counts.set(String(g.act), (counts.get(String(g.act)) ?? 0) + Number(g.rows));
    if (!touched.length && !notMatched.length) return this.session.createDataFrame([[0, 0, 0, 0]], "num_affected_rows bigint, num_updated_rows bigint, num_deleted_rows bigint, num_inserted_rows bigint");

    // 2. Rewrite: the touched files' rows joined with the source again, each row through its clause.
    // The touched files' rows join the (small, broadcast) source: a left join, so the target is
    // never shuffled. NOT MATCHED source rows are found apart, below.
    const t = this.scan(snap, touched).withColumn(T_, F.lit(true));
    const s = source.withColumn(S_, F.lit(true));
    const j = t.join(s, cond, "left");
    const withAct = j.withColumn(ACT, actionOf(j));
    const a = withAct.col(ACT);
    const coded: Array<[string, MergeClause]> = [
      ...matched.map((c, i) => [`m${i}`, c] as [string, MergeClause]),
      ...bySource.map((c, i) => [`b${i}`, c] as [string, MergeClause]),
      ...notMatched.map((c, i) => [`n${i}`, c] as [string, MergeClause]),
    ];
    /** A clause's value for table column `name`: its assignment or the source column (`*`); null for an insert that leaves the column out, undefined for an update that does. */
    const clauseValue = (c: MergeClause, name: string): Column | undefined => {
      const absent = c.action === "insert" ? F.lit(null) : undefined;
      if (c.assignments === "*") return source.columns.some((n) => n.toLowerCase() === name.toLowerCase()) ? s.col(name) : absent;
      const k = Object.keys(c.assignments ?? {}).find((x) => x.replace(/^.*\./, "").toLowerCase() === name.toLowerCase());
      return k !== undefined ? value(c.assignments![k]!) : absent;
    };
    /** Per table column: CASE over the rows' clause codes, or undefined when no clause sets it. */
    const byClause = (codes: Array<[string, MergeClause]>, act: Column, name: string): Column | undefined => {
      let e: Column | undefined;
      for (const [code, c] of codes) {
        const v = c.action === "delete" ? undefined : clauseValue(c, name);
        if (v) e = e ? e.when(act.eq(code), v) : F.when(act.eq(code), v);
      }
      return e;
    };
    // The target rows' codes (inserts are written apart, below).
    const rewriteCodes = coded.filter(([, c]) => c.action !== "insert");
    const cols: Record<string, Column> = {};
    for (const f of snap.schema.fields) cols[f.name] = byClause(rewriteCodes, a, f.name)?.otherwise(t.col(f.name)) ?? t.col(f.name);
    const keepCodes = ["keepM", "keepT", ...rewriteCodes.filter(([, c]) => c.action !== "delete").map(([code]) => code)];
    const n = (pred: (code: string, c?: MergeClause) => boolean) => [...counts].filter(([code]) => pred(code, coded.find(([x]) => x === code)?.[1])).reduce((x, [, v]) => x + v, 0);
    const updated = n((code, c) => c?.action === "update");
    const deleted = n((code, c) => c?.action === "delete");
    // Insert-only (only NOT MATCHED clauses), as Delta: the touched files are only read (to tell
    // matched source rows), never rewritten; the commit adds the inserted rows' files.
    const insertOnly = !matched.length && !bySource.length;
    const rewritten = insertOnly ? { adds: [], rows: 0 } : await this.stage(withAct.filter(a.isin(...keepCodes)).select(...this.castToTable(snap, cols)));
    // Inserts: source rows no target row matches = source ANTI JOIN (the touched rows that match
    // some source row: a semi join with the broadcast source, small). Every matched row is in a
    // touched file (files with matched rows are touched when there are NOT MATCHED clauses).
    let inserts: { adds: AddFile[]; rows: number } = { adds: [], rows: 0 };
    if (notMatched.length) {
      const matchedT = this.scan(snap, touched).join(s, cond, "left_semi");
      const tm = this.aliasName ? matchedT.alias(this.aliasName) : matchedT;
      const nm = s.join(tm, cond, "left_anti");
      const insertCodes = coded.filter(([, c]) => c.action === "insert");
      let act: Column | undefined;
      for (const [code, c] of insertCodes) { const pred = c.condition === undefined ? F.lit(true) : col(c.condition); act = act ? act.when(pred, code) : F.when(pred, code); }
      const withIns = nm.withColumn(ACT, act!.otherwise("drop"));
      const ia = withIns.col(ACT);
      const icols: Record<string, Column> = {};
      for (const f of snap.schema.fields) icols[f.name] = byClause(insertCodes, ia, f.name)!;
      inserts = await this.stage(withIns.filter(ia.startswith("n")).select(...this.castToTable(snap, icols)));
    }
    const staged = { adds: [...rewritten.adds, ...inserts.adds], rows: rewritten.rows + inserts.rows };
    // The touched files' rows come out once each unless deleted; every other row written is an insert.
    const touchedRows = insertOnly ? 0 : recordsOf(snap, touched) ?? (touched.length ? await this.scan(snap, touched).count() : 0);
    const inserted = staged.rows - (touchedRows - deleted);
    if (insertOnly && !staged.adds.length) return this.session.createDataFrame([[0, 0, 0, 0]], "num_affected_rows bigint, num_updated_rows bigint, num_deleted_rows bigint, num_inserted_rows bigint");
    const rm = insertOnly ? [] : this.removes(snap, touched);
    await this.commitDml(snap, "MERGE", [...rm.map((r) => ({ remove: r })), ...staged.adds.map((x) => ({ add: x }))],
      {
        predicate: JSON.stringify([String(condition)]),
        matchedPredicates: JSON.stringify(matched.map((c) => ({ ...(c.condition ? { predicate: String(c.condition) } : {}), actionType: c.action }))),
        notMatchedPredicates: JSON.stringify(notMatched.map((c) => ({ ...(c.condition ? { predicate: String(c.condition) } : {}), actionType: c.action }))),
        notMatchedBySourcePredicates: JSON.stringify(bySource.map((c) => ({ ...(c.condition ? { predicate: String(c.condition) } : {}), actionType: c.action }))),
      },
      { numTargetRowsUpdated: updated, numTargetRowsDeleted: deleted, numTargetRowsInserted: inserted, numTargetRowsCopied: staged.rows - updated - inserted, numTargetFilesRemoved: rm.length, numTargetFilesAdded: staged.adds.length, numSourceRows: 0 }, read);
    return this.session.createDataFrame([[updated + deleted + inserted, updated, deleted, inserted]], "num_affected_rows bigint, num_updated_rows bigint, num_deleted_rows bigint, num_inserted_rows bigint");
  }

  // ---- table utilities ------------------------------------------------------------------------------

  /**
   * VACUUM: delete files in the table directory that no version within the retention period
   * references and that are older than it (default 168 hours = delta.deletedFileRetentionDuration).
   * Below 168 hours needs spark.databricks.delta.retentionDurationCheck.enabled=false, as in Delta.
   */
  async vacuum(retentionHours?: number, dryRun = false): Promise<DataFrame> {
    const snap = await loadSnapshot(this.path);
    const defaultMs = retentionMs(snap);
    const ms = retentionHours === undefined ? defaultMs : retentionHours * 3600 * 1000;
    const check = (this.session.conf.get("spark.databricks.delta.retentionDurationCheck.enabled") ?? "true") !== "false";
    if (check && ms < defaultMs) {
      throw new AnalysisError("DELTA_VACUUM_RETENTION_PERIOD_TOO_SHORT",
        "Are you sure you would like to vacuum files with such a low retention period? If you have writers that are currently writing to this table, there is a risk that you may corrupt the state of your Delta table.\n" +
        "If you are certain that there are no operations being performed on this table, such as insert/upsert/delete/optimize, then you may turn off this check by setting:\nspark.databricks.delta.retentionDurationCheck.enabled = false\n" +
        `If you are not sure, please use a value not less than "${defaultMs / 3600000} hours".`, { parameters: { retentionHours } });
    }
    const now = Date.now();
    const keep = new Set<string>([...snap.files.keys()].map((k) => addFilePath(snap.table, { path: k })));
    for (const [k, r] of snap.tombstones) if (r.deletionTimestamp == null || now - Number(r.deletionTimestamp) < ms) keep.add(addFilePath(snap.table, { path: k }));
    const victims: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (dir === snap.table && e.name === LOG_DIR) continue;
          if (e.name.startsWith(".")) continue;
          walk(p);
        } else if (!e.name.startsWith(".") && !(dir === snap.table && e.name.startsWith("_")) && !keep.has(p) && now - statSync(p).mtimeMs > ms) victims.push(p);
      }
    };
    walk(snap.table);
    const rel = victims.map((v) => relative(snap.table, v).split(sep).join("/"));
    if (dryRun) return this.session.createDataFrame(rel.map((p) => ["file:" + join(snap.table, p)]), "path string");
    const params = { retentionCheckEnabled: check, specifiedRetentionMillis: ms, defaultRetentionMillis: defaultMs };
    await commit({ table: this.path, readVersion: snap.version, actions: [], operation: "VACUUM START", operationParameters: params, operationMetrics: { numFilesToDelete: victims.length, sizeOfDataToDelete: victims.reduce((a, v) => a + statSync(v).size, 0) }, isBlindAppend: true });
    for (const v of victims) { try { unlinkSync(v); } catch { /* gone already */ } }
    const end = await loadSnapshot(this.path);
    await commit({ table: this.path, readVersion: end.version, actions: [], operation: "VACUUM END", operationParameters: { status: "COMPLETED" }, operationMetrics: { numDeletedFiles: victims.length, numVacuumedDirectories: 1 }, isBlindAppend: true });
    return this.session.createDataFrame(rel.map((p) => ["file:" + join(snap.table, p)]), "path string");
  }

  /** RESTORE TABLE t TO VERSION AS OF n: one commit that makes the live files those of version n. */
  async restoreToVersion(version: number): Promise<DataFrame> {
    const cur = await loadSnapshot(this.path);
    const old = await loadSnapshot(this.path, version);
    const now = Date.now();
    const toAdd = [...old.files].filter(([k]) => !cur.files.has(k)).map(([, a]) => a);
    const missing = toAdd.filter((a) => !existsSync(addFilePath(cur.table, a)));
    if (missing.length) {
      throw new AnalysisError("DELTA_CANNOT_RESTORE_TABLE_VERSION", `Cannot restore table to version ${version}: ${missing.length} of its data files were deleted (e.g. by VACUUM), such as ${missing[0]!.path}.`, { parameters: { version } });
    }
    const toRemove = [...cur.files].filter(([k]) => !old.files.has(k)).map(([, a]) => a);
    const actions: Action[] = [];
    if (old.metadata.schemaString !== cur.metadata.schemaString || old.metadata.partitionColumns.join() !== cur.metadata.partitionColumns.join()) actions.push({ metaData: old.metadata });
    for (const a of toRemove) actions.push({ remove: { path: a.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true, partitionValues: a.partitionValues, size: a.size } });
    for (const a of toAdd) actions.push({ add: { ...a, dataChange: true, modificationTime: now } });
    const metrics = {
      table_size_after_restore: [...old.files.values()].reduce((x, f) => x + f.size, 0), num_of_files_after_restore: old.files.size,
      num_removed_files: toRemove.length, num_restored_files: toAdd.length,
      removed_files_size: toRemove.reduce((x, f) => x + f.size, 0), restored_files_size: toAdd.reduce((x, f) => x + f.size, 0),
    };
    await commit({ table: this.path, readVersion: cur.version, actions, operation: "RESTORE", operationParameters: { version, timestamp: null }, operationMetrics: metrics, isBlindAppend: false, readWholeTable: true, readFiles: cur.files.keys() });
    return this.session.createDataFrame([metrics], "table_size_after_restore bigint, num_of_files_after_restore bigint, num_removed_files bigint, num_restored_files bigint, removed_files_size bigint, restored_files_size bigint");
  }
  async restoreToTimestamp(ts: string | Date): Promise<DataFrame> {
    return this.restoreToVersion(versionAtTimestamp(this.path, ts));
  }

  /** OPTIMIZE: compact the small files of each partition into one (dataChange=false). */
  optimize(): DeltaOptimizeBuilder { return new DeltaOptimizeBuilder(this); }

  /** @internal */
  async runCompaction(where?: Cond, zOrderBy: string[] = []): Promise<DataFrame> {
    const snap = await loadSnapshot(this.path);
    const partFields = snap.schema.fields.filter((f) => snap.metadata.partitionColumns.includes(f.name));
    const zCols = zOrderBy.map((c) => {
      const f = snap.schema.fields.find((x) => x.name.toLowerCase() === c.toLowerCase());
      if (!f) throw new AnalysisError("DELTA_ZORDERING_COLUMN_DOES_NOT_EXIST", `Z-Ordering column ${c} does not exist in data schema.`, { parameters: { columnName: c } });
      if (partFields.includes(f)) throw new AnalysisError("DELTA_ZORDERING_ON_PARTITION_COLUMN", `${c} is a partition column. Z-Ordering can only be performed on data columns.`, { parameters: { colName: c } });
      return f.name;
    });
    const minSize = Number(this.session.conf.get("spark.databricks.delta.optimize.minFileSize") ?? 1024 * 1024 * 1024);
    // Z-ordering rewrites every file of a partition (the order spans them); compaction only small files.
    let candidates = [...snap.files].filter(([, a]) => zCols.length > 0 || a.size < minSize);
    if (where !== undefined) {
      const keep = new Set(await this.touchedFiles(snap, col(where)));
      candidates = candidates.filter(([k]) => keep.has(k));
    }
    const byPart = new Map<string, string[]>();
    for (const [k, a] of candidates) {
      const key = JSON.stringify(typedPartitionValues(a, partFields), (_, v) => (typeof v === "bigint" ? String(v) : v));
      byPart.set(key, [...(byPart.get(key) ?? []), k]);
    }
    const keys = [...byPart.values()].filter((ks) => ks.length > 1 || zCols.length > 0).flat();
    if (!keys.length) return this.session.createDataFrame([[this.path, 0, 0]], "path string, numFilesAdded bigint, numFilesRemoved bigint");
    let rows = this.scan(snap, keys).drop(FILE_COLUMN);
    if (zCols.length) rows = zOrdered(rows, zCols);
    const staged = await this.stage(rows.coalesce(1));
    const rm = this.removes(snap, keys, false);
    const actions: Action[] = [...rm.map((r) => ({ remove: r })), ...staged.adds.map((a) => ({ add: { ...a, dataChange: false } }))];
    await commit({
      table: this.path, readVersion: snap.version, actions, operation: "OPTIMIZE", operationParameters: { predicate: JSON.stringify(where === undefined ? [] : [String(where)]), zOrderBy: JSON.stringify(zCols) },
      operationMetrics: { numRemovedFiles: rm.length, numAddedFiles: staged.adds.length }, isBlindAppend: false, readFiles: keys, isolationLevel: "WriteSerializable",
    });
    return this.session.createDataFrame([[this.path, staged.adds.length, rm.length]], "path string, numFilesAdded bigint, numFilesRemoved bigint");
  }

  /** display(DeltaTable): the history and the current files. */
  async _repr_mimebundle_(): Promise<Record<string, string>> {
    const snap = await loadSnapshot(this.path);
    const hist = readHistory(this.path, 20);
    const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => `&${({ "&": "amp", "<": "lt", ">": "gt", '"': "quot" } as Record<string, string>)[c]};`);
    const histRows = hist.map((h) => `<tr><td>${h.version}</td><td>${esc(new Date(h.timestamp).toISOString())}</td><td>${esc(h.commitInfo.operation ?? "")}</td><td>${h.added}</td><td>${h.removed}</td><td>${snap.checkpointVersion !== undefined && h.version <= snap.checkpointVersion ? `checkpoint ${snap.checkpointVersion}` : "json"}</td></tr>`).join("");
    const fileRows = [...snap.files.values()].slice(0, 50).map((a) => `<tr><td>${esc(a.path)}</td><td>${a.size}</td><td>${esc(a.stats ? JSON.parse(a.stats).numRecords : "")}</td></tr>`).join("");
    const html = `<div><b>Delta table</b> ${esc(snap.table)} at version ${snap.version} (${snap.files.size} files)` +
      `<table><thead><tr><th>version</th><th>timestamp</th><th>operation</th><th>files added</th><th>files removed</th><th>covered by</th></tr></thead><tbody>${histRows}</tbody></table>` +
      `<table><thead><tr><th>current file</th><th>bytes</th><th>rows</th></tr></thead><tbody>${fileRows}</tbody></table></div>`;
    const text = [`DeltaTable(${snap.table}) version ${snap.version}, ${snap.files.size} files`, ...hist.map((h) => `  v${h.version} ${h.commitInfo.operation ?? ""} +${h.added} -${h.removed}`)].join("\n");
    return { "text/plain": text, "text/html": html };
  }
  toString(): string { return `DeltaTable(${this.path})`; }
}

/** The conjuncts of a MERGE condition that use only `alias.column` of the target (no subqueries). */
function targetOnlyConjuncts(cond: Expr, alias: string | undefined): Expr[] {
  if (!alias) return [];
  const a = alias.toLowerCase();
  return splitConjuncts(cond).filter((c) => {
    let cols = 0;
    const bad = anyExpr(c, (e) => {
      if (/subquery|exists|outer/i.test(e.kind)) return true;
      if (e.kind === "col") {
        cols++;
        return !(e.parts.length === 2 && e.parts[0]!.toLowerCase() === a);
      }
      return e.kind === "attr" || e.kind === "star";
    });
    return !bad && cols > 0;
  });
}

/** What a DML operation read: files (after pruning) and, when it had one, its predicate over files. */
interface ReadSet { files: Iterable<string>; predicate?: (add: AddFile) => boolean }

/** Would a scan with these pushed filters read `add`? (partition values, then the file's stats) */
function filePredicate(snap: Snapshot, filters: PushedFilter[]): ((add: AddFile) => boolean) | undefined {
  if (!filters.length) return undefined;
  return (add) => prunedFiles({ ...snap, files: new Map([[fileKey(add.path), add]]) }, filters).files.length > 0;
}

const Z_KEY = "__delta_zorder";
const Z_BITS = 10;

/**
 * Rows in Delta's Z-order: each column's rank scaled to Z_BITS bits (Delta uses range partition
 * ids), the bits interleaved, so rows close in every column are close in the order.
 */
function zOrdered(df: DataFrame, cols: string[]): DataFrame {
  const q = (c: string) => "`" + c.replace(/`/g, "``") + "`";
  let out = df;
  cols.forEach((c, i) => { out = out.withColumn(`${Z_KEY}${i}`, F.expr(`CAST(percent_rank() OVER (ORDER BY ${q(c)}) * ${(1 << Z_BITS) - 1} AS BIGINT)`)); });
  const terms: string[] = [];
  cols.forEach((_, i) => {
    for (let b = 0; b < Z_BITS; b++) terms.push(`shiftleft(shiftright(${Z_KEY}${i}, ${b}) & 1, ${b * cols.length + (cols.length - 1 - i)})`);
  });
  out = out.withColumn(Z_KEY, F.expr(terms.join(" + "))).orderBy(Z_KEY);
  return out.drop(Z_KEY, ...cols.map((_, i) => `${Z_KEY}${i}`));
}

class ExecutionErrorMerge extends AnalysisError {
  constructor() {
    super("DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE",
      "Cannot perform Merge as multiple source rows matched and attempted to modify the same target row in the Delta table in possibly conflicting ways. By SQL semantics of Merge, when multiple source rows match on the same target row, the result may be ambiguous as it is unclear which source row should be used to update or delete the matching target row. You can preprocess the source table to eliminate the possibility of multiple matches.");
  }
}

/** The rows of these files by their stats, or undefined when one has no numRecords. */
function recordsOf(snap: Snapshot, keys: Iterable<string>): number | undefined {
  let n = 0;
  for (const k of keys) {
    const s = snap.files.get(k)?.stats;
    if (!s) return undefined;
    try {
      const r = (JSON.parse(s) as { numRecords?: number }).numRecords;
      if (r === undefined) return undefined;
      n += Number(r);
    } catch {
      return undefined;
    }
  }
  return n;
}

function sumRecords(snap: Snapshot, keys: Iterable<string>): number {
  let n = 0;
  for (const k of keys) {
    const s = snap.files.get(k)?.stats;
    if (s) { try { n += Number((JSON.parse(s) as { numRecords?: number }).numRecords ?? 0); } catch { /* no stats */ } }
  }
  return n;
}

// replaceWhere over an overwrite: the files with rows matching the predicate (rows of those files
// outside the predicate are refused, as Delta's DELTA_REPLACE_WHERE_MISMATCH... here: kept out by the check below).
export function installReplaceWhere(session: SqlSession): void {
  setReplaceWhereEvaluator(async (snap, predicate) => {
    const t = DeltaTable.forPath(session.host as SqlSessionLike, snap.table);
    const keys = await (t as unknown as { touchedFiles(s: Snapshot, c: Column): Promise<string[]> }).touchedFiles(snap, F.expr(predicate));
    const outside = await (t as unknown as { scan(s: Snapshot, f?: string[]): DataFrame }).scan(snap, keys).filter(F.expr(`NOT (${predicate})`)).limit(1).collect();
    if (outside.length) {
      throw new AnalysisError("DELTA_REPLACE_WHERE_UNSUPPORTED", `replaceWhere '${predicate}' would also remove rows outside the predicate (files mix matching and other rows); use a predicate on partition columns.`, { parameters: { predicate } });
    }
    return keys.map((k) => snap.files.get(k)!);
  });
}

