// Source of notebooks/L10-lakehouse.ipynb (lecture 10, "Lakehouse"): data lake vs warehouse vs
// lakehouse, the Delta transaction log step by step (the lecture's table of Parquet files and
// JSON commits, live), the checkpoint at the 10th commit, time travel, concurrent writers and a
// conflict, schema enforcement and evolution, MERGE and VACUUM.
// Run `npx tsx notebooks/src/L10.ts` to regenerate; `--check` verifies it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md } from "./notebook-builder";

export const L10 = buildNotebook("l10", [
  md`
    # Lecture 10 — Lakehouse: Delta Lake

    | | data **warehouse** | data **lake** | **lakehouse** |
    |---|---|---|---|
    | what | central relational store of integrated, historical data | files in cheap storage (HDFS, S3, ...) | a lake of open files **plus a transaction log** |
    | formats | proprietary | Parquet, ORC, JSON, text, images, ... | Parquet + the Delta log (JSON commits) |
    | guarantees | strong ACID, high quality | none: half-written jobs, no schema checks | ACID transactions, schema enforcement, time travel |
    | engines | SQL only, expensive to scale | any: Spark, Presto, Hive, Flink, scikit-learn | any engine that reads the protocol (Spark, delta-rs, DuckDB, this workbench) |

    **Delta Lake** is a *protocol*: a table is a directory of Parquet data files and a
    \`_delta_log/\` directory of numbered JSON **commits**. Each commit lists *actions*: \`add\` a
    file, \`remove\` a file, change the \`metaData\` (schema) or the \`protocol\`. A reader replays the
    log to find the table's live files. A commit exists **only once its log file exists**: that is
    what makes writes atomic.
  `,
  code`
    import { DeltaTable, deltaLog, loadSnapshot, clearSnapshotCache, commit } from "bigdata-workbench";
    import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
    import { tmpdir } from "node:os";
    import { join } from "node:path";

    // A helper for the "Your turn" cells: compares your answer with the expected one.
    function check(what: string, answer: unknown, expected: unknown): void {
      if (answer === undefined) console.log(\`… \${what}: not answered yet (replace the TODO)\`);
      else if (JSON.stringify(answer) === JSON.stringify(expected)) console.log(\`✔ \${what}: correct\`);
      else console.log(\`✘ \${what}: \${JSON.stringify(answer)} is not right yet, try again\`);
    }
    const lake = mkdtempSync(join(tmpdir(), "lecture10-"));
    const vertexPath = join(lake, "vertex");
    const logFiles = () => readdirSync(join(vertexPath, "_delta_log")).filter((f) => !f.startsWith("."));
    const dataFiles = () => readdirSync(vertexPath).filter((f) => f.endsWith(".parquet"));
    lake
  `,
  md`
    ## The log, step by step

    The lecture's example: we **create** a \`vertex\` table and save it in Delta format. Two tasks
    write two Parquet files (\`part-00000…\`, \`part-00001…\`), then the driver writes
    \`00000000000000000000.json\`.
  `,
  code`
    const vertex = spark.createDataFrame(
      Array.from({ length: 8 }, (_, i) => [i, \`v\${i}\`, 1.0]), "id bigint, name string, rank double",
    ).repartition(2);
    await vertex.write.format("delta").save(vertexPath);
    console.log("data files:", dataFiles());
    console.log("log files: ", logFiles());
    console.log(readFileSync(join(vertexPath, "_delta_log", "00000000000000000000.json"), "utf8"));
  `,
  md`
    Each line is one action: \`commitInfo\` (who did what), \`protocol\` (reader/writer versions),
    \`metaData\` (the schema as JSON, the partition columns) and one \`add\` per data file, with
    \`stats\` (row count, min/max/null count per column) that readers use to skip files.

    Next step: **include part-2**: append more rows. A new Parquet file, and commit 1 adds it.
  `,
  code`
    await spark.createDataFrame([[8, "v8", 1.0], [9, "v9", 1.0]], "id bigint, name string, rank double")
      .repartition(1).write.format("delta").mode("append").save(vertexPath);
    console.log("log files:", logFiles());
    await deltaLog(spark, vertexPath).show(10, false);
  `,
  md`
    Third step: **remove part-0, include part-3**. Deleting some rows of the first file cannot edit
    the Parquet file (files are immutable): Delta writes a new file with the rows that stay and
    commits \`remove(part-0)\` + \`add(part-3)\` in **one** commit.
  `,
  code`
    const first = readFileSync(join(vertexPath, "_delta_log", "00000000000000000000.json"), "utf8")
      .split("\n").filter((l) => l.includes('"add"')).map((l) => JSON.parse(l).add);
    const part0Min = JSON.parse(first[0].stats).minValues.id;
    await DeltaTable.forPath(spark, vertexPath).delete(\`id = \${part0Min}\`);
    await deltaLog(spark, vertexPath).show(10, false);
    const live = (await loadSnapshot(vertexPath)).files;
    console.log("live files now:", [...live.keys()]);
    console.log("rows:", await spark.read.format("delta").load(vertexPath).count());
  `,
  md`
    **Without a new log file, the commit did not happen.** A writer that crashes after writing its
    Parquet files but before its JSON commit leaves files nobody references. Readers only read
    what the log lists, so the table is unchanged. Let us "crash" a writer: put a Parquet file in
    the table directory by hand and never commit it.
  `,
  code`
    const before = await spark.read.format("delta").load(vertexPath).count();
    await spark.createDataFrame([[100, "orphan", 0.0]], "id bigint, name string, rank double").write.parquet(join(lake, "orphan"));
    const orphan = readdirSync(join(lake, "orphan")).find((f) => f.endsWith(".parquet"))!;
    writeFileSync(join(vertexPath, "part-99999-crashed-writer.snappy.parquet"), readFileSync(join(lake, "orphan", orphan)));
    console.log("parquet files in the directory:", dataFiles().length);
    console.log("rows before:", before, " rows after:", await spark.read.format("delta").load(vertexPath).count());
  `,
  md`
    ### Your turn 1

    How many data files does the **current** version of the table reference (not the directory:
    the log)? Use \`loadSnapshot(vertexPath)\` (its \`files\` is a Map) or \`DeltaTable.forPath(...).detail()\`.
  `,
  code`
    // TODO: replace undefined with the number of live files
    const liveFiles: number | undefined = undefined;

    check("live files", liveFiles, (await loadSnapshot(vertexPath)).files.size);
  `,
  md`
    ## Checkpoints: the 10th commit

    Replaying thousands of JSON files would make every read slower as the table ages. Every 10
    commits (\`delta.checkpointInterval\`) the writer also saves the whole state at that version as
    one Parquet file, \`…010.checkpoint.parquet\`, and points \`_last_checkpoint\` at it. A reader
    starts from the newest checkpoint and replays only the commits after it.
  `,
  code`
    for (let i = 0; i < 8; i++) {
      await spark.createDataFrame([[200 + i, \`w\${i}\`, 0.5]], "id bigint, name string, rank double").write.format("delta").mode("append").save(vertexPath);
    }
    console.log(logFiles().join("\n"));
    console.log("_last_checkpoint:", readFileSync(join(vertexPath, "_delta_log", "_last_checkpoint"), "utf8"));
    clearSnapshotCache(); // forget the cached latest state: rebuild it from the files, as a new reader would
    const snap = await loadSnapshot(vertexPath);
    console.log(\`version \${snap.version}: rebuilt from checkpoint \${snap.checkpointVersion} + \${snap.commitsReplayed} JSON commits\`);
    DeltaTable.forPath(spark, vertexPath)
  `,
  md`
    ## Time travel

    Old versions stay readable as long as their files are not vacuumed: read with
    \`versionAsOf\` or \`timestampAsOf\`. \`history()\` is \`DESCRIBE HISTORY\`.
  `,
  code`
    for (const v of [0, 1, 2]) {
      console.log(\`version \${v}: \${await spark.read.format("delta").option("versionAsOf", v).load(vertexPath).count()} rows\`);
    }
    await DeltaTable.forPath(spark, vertexPath).history(5).select("version", "operation", "operationMetrics").show(5, false);
  `,
  md`
    ### Your turn 2

    How many rows did the table have at **version 1** (after "include part-2")? Use time travel.
  `,
  code`
    // TODO: replace undefined with a time-travel read, e.g. await spark.read.format("delta")....count()
    const rowsAtV1: number | undefined = undefined;

    check("rows at version 1", rowsAtV1, 10);
  `,
  md`
    ## Concurrent writers: optimistic concurrency

    Writers do not lock. Each reads a version, does its work, and tries to create the **next** log
    file; the file system lets exactly one writer create it. The loser reads the winner's commit:

    * if they do not conflict (two **blind appends**), it simply retries at the next version;
    * if they do (both removed the same file, or the winner deleted a file the loser read), it fails
      with one of Delta's exceptions: \`ConcurrentAppendException\`, \`ConcurrentDeleteReadException\`,
      \`ConcurrentDeleteDeleteException\`, \`MetadataChangedException\`, \`ProtocolChangedException\`.

    Here are two transactions that both read the same version, written with the log API directly
    so the race is deterministic.
  `,
  code`
    const readVersion = (await loadSnapshot(vertexPath)).version;
    const victim = [...(await loadSnapshot(vertexPath)).files.values()][0]!;
    const appendA = await commit({ table: vertexPath, readVersion, operation: "WRITE", isBlindAppend: true,
      actions: [{ add: { ...victim, dataChange: true } }] });
    const appendB = await commit({ table: vertexPath, readVersion, operation: "WRITE", isBlindAppend: true,
      actions: [{ add: { ...victim, dataChange: true } }] });
    console.log(\`A committed version \${appendA.version}; B read \${readVersion}, retried past \${appendB.retriedPast} and committed \${appendB.version}\`);

    const rv = (await loadSnapshot(vertexPath)).version;
    const removeIt = { remove: { path: victim.path, deletionTimestamp: Date.now(), dataChange: true } };
    await commit({ table: vertexPath, readVersion: rv, operation: "DELETE", isBlindAppend: false, readFiles: [victim.path], actions: [removeIt] });
    try {
      await commit({ table: vertexPath, readVersion: rv, operation: "DELETE", isBlindAppend: false, readFiles: [victim.path], actions: [removeIt] });
    } catch (e) {
      console.log(\`second delete failed: \${(e as Error).name}\n\${(e as Error).message.split("\n")[0]}\`);
    }
  `,
  md`
    ## Schema enforcement and evolution

    An append whose schema does not match the table's is **refused** (no silent garbage). With
    \`mergeSchema\` the new column is added (old rows read it as null); \`overwriteSchema\` replaces the
    schema in an overwrite.
  `,
  code`
    const withColor = spark.createDataFrame([[300, "c", 1.0, "red"]], "id bigint, name string, rank double, color string");
    try {
      await withColor.write.format("delta").mode("append").save(vertexPath);
    } catch (e) {
      console.log(String(e).split("\n").slice(0, 2).join("\n"));
    }
    await withColor.write.format("delta").mode("append").option("mergeSchema", "true").save(vertexPath);
    spark.read.format("delta").load(vertexPath).printSchema();
    await spark.read.format("delta").load(vertexPath).filter("id >= 206").show();
  `,
  md`
    ## MERGE (upsert)

    \`MERGE INTO target USING source ON cond\`: matched rows are updated or deleted, unmatched source
    rows inserted. Delta rewrites only the files that hold matched rows.
  `,
  code`
    const ranks = spark.createDataFrame([
      [300, "c", 0.9, "blue"],    // exists: update
      [500, "new", 0.1, "green"], // new: insert
    ], "id bigint, name string, rank double, color string");
    const metrics = await DeltaTable.forPath(spark, vertexPath).alias("t")
      .merge(ranks.alias("s"), "t.id = s.id")
      .whenMatchedUpdate({ set: { rank: "s.rank", color: "s.color" } })
      .whenNotMatchedInsertAll()
      .execute();
    await metrics.show();
    await spark.read.format("delta").load(vertexPath).filter("id IN (300, 500)").orderBy("id").show();
  `,
  md`
    ### The same in SQL

    Delta's SQL commands work on a path written as <code>delta.&#96;/path&#96;</code>: \`DELETE FROM\`, \`UPDATE ... SET\`,
    \`MERGE INTO ... USING ... ON ... WHEN [NOT] MATCHED [AND cond] THEN ...\`, \`DESCRIBE HISTORY\`,
    \`VERSION AS OF\`, \`RESTORE\`, \`VACUUM\` and \`OPTIMIZE ... ZORDER BY\`. Each command is one commit
    and returns Delta's metrics row. \`spark.sql(...)\` starts a command (later reads of the table wait
    for it); \`await spark.sqlAsync(...)\` also waits for it here and reports its errors.
  `,
  code`
    const tbl = "delta.\`" + vertexPath + "\`";
    await (await spark.sqlAsync(\`UPDATE \${tbl} SET rank = rank * 2 WHERE id = 500\`)).show();
    await (await spark.sqlAsync(\`
      MERGE INTO \${tbl} AS v
      USING (SELECT 500 AS id, 'upd' AS name, 0.3 AS rank, 'red' AS color
             UNION ALL SELECT 501, 'sql', 0.5, 'red') AS s
      ON v.id = s.id
      WHEN MATCHED AND s.rank > 0.2 THEN UPDATE SET name = s.name
      WHEN NOT MATCHED THEN INSERT *\`)).show();
    await (await spark.sqlAsync(\`DELETE FROM \${tbl} WHERE id = 501\`)).show();
    await spark.sql(\`DESCRIBE HISTORY \${tbl} LIMIT 3\`).select("version", "operation", "operationMetrics").show(3, false);
    await spark.sql(\`SELECT count(*) AS rows_at_v1 FROM \${tbl} VERSION AS OF 1\`).show();
  `,
  md`
    ### Your turn 3

    Give every vertex with \`rank < 1\` a rank of \`1.0\` with \`DeltaTable.update(condition, set)\`, then
    count the rows whose rank is below 1 (should be none).
  `,
  code`
    const table = DeltaTable.forPath(spark, vertexPath);
    // TODO: call table.update(...) and then count the rows with rank < 1
    let below: number | undefined = undefined;

    check("rows with rank < 1 after the update", below, 0);
  `,
  md`
    ## Tables by name: the catalog

    Paths are the lake's view. A **warehouse** user names tables: \`saveAsTable\` and
    \`CREATE TABLE ... USING delta\` put a *managed* table under \`spark.sql.warehouse.dir\`
    (\`./spark-warehouse\` by default) and record its name in the **catalog**, so SQL, \`spark.table\`
    and \`DeltaTable.forName\` find it. The files are an ordinary Delta table; dropping a managed table
    deletes them. (\`OR REPLACE\` makes the cell safe to run twice: it is a new version, not a new table.)
  `,
  code`
    // tbl is delta.\`<vertexPath>\` from the SQL cell above
    spark.sql(\`CREATE OR REPLACE TABLE vertex_ranks USING delta AS SELECT id, name, rank FROM \${tbl} WHERE rank >= 1\`);
    spark.sql("INSERT INTO vertex_ranks VALUES (900, 'from-sql', 1.5)");
    await spark.sql("SELECT count(*) AS n, max(rank) AS top FROM vertex_ranks").show();
    await spark.sql("DESCRIBE HISTORY vertex_ranks").select("version", "operation").show(5);
    console.log(spark.catalog.listTables().filter((t) => !t.isTemporary).map((t) => \`\${t.name} (\${t.tableType})\`));
    console.log("files of the managed table:", readdirSync(join("spark-warehouse", "vertex_ranks")).filter((f) => f.endsWith(".parquet") || f === "_delta_log"));
  `,
  md`
    ## VACUUM

    Removed files stay on disk so that time travel keeps working. \`vacuum(hours)\` deletes files
    that no version within the retention period needs, plus orphans like our crashed writer's file.
    The default retention is 7 days (168 hours); a shorter one needs an explicit opt-out, because a
    running writer's not-yet-committed files look exactly like orphans.
  `,
  code`
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    const deleted = await DeltaTable.forPath(spark, vertexPath).vacuum(0);
    console.log(\`vacuum deleted \${await deleted.count()} files; the crashed writer's file is gone: \${!dataFiles().includes("part-99999-crashed-writer.snappy.parquet")}\`);
    try {
      await spark.read.format("delta").option("versionAsOf", 0).load(vertexPath).count();
    } catch (e) {
      console.log("version 0 is no longer readable: its files were vacuumed");
    }
    console.log("latest version still reads:", await spark.read.format("delta").load(vertexPath).count(), "rows");
  `,
  md`
    ## Summary

    * A lakehouse = open files in a lake + a **transaction log**; Delta's log is JSON commits with
      add/remove/metaData/protocol actions and Parquet checkpoints every 10 commits.
    * A commit is atomic because it is the creation of one file; concurrent writers use optimistic
      concurrency (retry when compatible, Delta's exceptions when not).
    * The log gives time travel, schema enforcement and evolution, MERGE/UPDATE/DELETE by rewriting
      files, and VACUUM to reclaim space.
    * A catalog names tables: managed Delta tables live in the warehouse directory and are found by
      name from SQL, \`spark.table\` and \`DeltaTable.forName\`.
    * Tables written here are read by delta-rs and Spark, and theirs are read here (see
      docs/lakehouse.md).

    <details><summary>▸ Solutions to "Your turn" (click to open)</summary>

    1. \`(await loadSnapshot(vertexPath)).files.size\`
    2. \`await spark.read.format("delta").option("versionAsOf", 1).load(vertexPath).count()\` is 10.
    3. \`await table.update("rank < 1", { rank: "1.0" });\` then
       \`await table.toDF().filter("rank < 1").count()\`.

    </details>
  `,
], { embeddedOnly: "The Delta transaction log here is the workbench's own; a Spark Connect server needs Delta Lake installed (delta-spark), and DeltaTable goes through Delta Connect, which this client does not speak." });

/** Model answers for the "Your turn" cells, as text edits of the committed cells. */
export const L10_SOLUTIONS: Array<{ find: string; replace: string }> = [
  {
    find: "const liveFiles: number | undefined = undefined;",
    replace: "const liveFiles: number | undefined = (await loadSnapshot(vertexPath)).files.size;",
  },
  {
    find: "const rowsAtV1: number | undefined = undefined;",
    replace: 'const rowsAtV1: number | undefined = await spark.read.format("delta").option("versionAsOf", 1).load(vertexPath).count();',
  },
  {
    find: "let below: number | undefined = undefined;",
    replace: 'await table.update("rank < 1", { rank: "1.0" });\nlet below: number | undefined = await table.toDF().filter("rank < 1").count();',
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L10-lakehouse.ipynb", import.meta.url)), L10);
}
