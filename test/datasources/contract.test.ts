import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import "../../engine/sql/datasources";
import { getDataSource, registeredFormats, type WrittenFile } from "../../engine/sql/datasource-contract";
import { readLocal, emptyMetrics, readFileScanSplit, type FileScanSplit } from "../../engine/sql/datasources";
import { StructType, type DataType } from "../../engine/sql/types";
import { cleanupTemp, duckRows, sortedJson, tempDir, writeText } from "./helpers";

afterAll(cleanupTemp);
const T = (type: string) => ({ type }) as DataType;

describe("The file data source at the SQL core's seam", () => {
  it("registers csv, json, text and parquet", () => {
    expect(registeredFormats().sort()).toEqual(expect.arrayContaining(["csv", "json", "parquet", "text"]));
  });

  it("infers a schema with partition columns, plans splits, and returns rows as arrays in required order", async () => {
    const d = tempDir();
    writeText(join(d, "k=1/a.csv"), "id,name\n1,a\n2,b\n");
    writeText(join(d, "k=2/b.csv"), "id,name\n3,c\n");
    const ds = getDataSource("CSV")!;
    const options = { header: "true", inferschema: "true" };
    const schema = await ds.inferSchema([d], options);
    expect(schema.simpleString()).toBe("struct<id:int,name:string,k:int>");
    const hints = { requiredColumns: ["k", "name"], pushedFilters: [{ op: "eq" as const, column: "k", value: 2 }] };
    const splits = await ds.planSplits([d], options, schema, hints);
    expect(splits.length).toBe(1); // k=1 pruned
    const rows: unknown[][] = [];
    for (const s of splits) rows.push(...(await ds.readSplit(s, { dataSchema: schema, requiredColumns: ["k", "name"], pushedFilters: hints.pushedFilters, options }) as unknown[][]));
    expect(rows).toEqual([[2, "c"]]);
  });

  it("parquet through the seam uses pushed filters for row-group skipping", async () => {
    const d = tempDir();
    const ds = getDataSource("parquet")!;
    const schema = new StructType().add("id", T("long")).add("s", T("string"));
    const job = { format: "parquet", path: join(d, "t"), mode: "errorifexists" as const, options: { rowgroupsize: "100" }, partitionBy: [], schema, jobId: "job1" };
    // The SQL core ships the job with the schema as plain data.
    const shipped = { ...job, schema: schema.asDataType() } as unknown as typeof job;
    expect(await ds.prepareWrite!(job)).toEqual({ skip: false });
    const files: WrittenFile[][] = [];
    const first = ds.writeTask!(job, 0, Array.from({ length: 500 }, (_, i) => [i, `s${i}`]));
    expect(Array.isArray(first)).toBe(true); // tasks encode results without awaiting: no Promise
    files.push(first as WrittenFile[]);
    files.push(await ds.writeTask!(shipped, 1, Array.from({ length: 500 }, (_, i) => [500 + i, `s${500 + i}`])));
    await ds.commitWrite!(job, files);
    expect(await duckRows(`select count(*)::INTEGER as n, sum(id)::BIGINT as total from read_parquet('${job.path}/*.parquet')`)).toEqual([{ n: 1000, total: 499500 }]);

    const inferred = await ds.inferSchema([job.path], {});
    expect(inferred.simpleString()).toBe("struct<id:bigint,s:string>");
    const pushedFilters = [{ op: "and" as const, left: { op: "ge" as const, column: "id", value: 720 }, right: { op: "contains" as const, column: "s", value: "7" } }];
    const splits = (await ds.planSplits([job.path], {}, inferred, { requiredColumns: ["s"], pushedFilters })) as FileScanSplit[];
    const m = emptyMetrics();
    const got: unknown[][] = [];
    for (const s of splits) got.push(...(await readFileScanSplit("parquet", s, { dataSchema: inferred, requiredColumns: ["s"], pushedFilters, options: {} }, m)));
    expect(m.rowGroupsRead).toBe(3); // 700-799, 800-899, 900-999
    expect(m.rowGroupsSkipped).toBe(7);
    expect(got.length).toBe(300);
    expect(got[0]!.length).toBe(1);
  });

  it("save mode ignore reports skip; writeTask rows are arrays in schema order, partitioned", async () => {
    const d = tempDir();
    const ds = getDataSource("json")!;
    const schema = new StructType().add("x", T("integer")).add("p", T("string"));
    const job = { format: "json", path: join(d, "t"), mode: "append" as const, options: {}, partitionBy: ["p"], schema, jobId: "j2" };
    await ds.prepareWrite!(job);
    const written = await ds.writeTask!(job, 0, [[1, "a"], [2, "b"], [3, "a"]]);
    expect(written.map((w) => w.partitionValues).sort((a, b) => String(a!.p).localeCompare(String(b!.p)))).toEqual([{ p: "a" }, { p: "b" }]);
    await ds.commitWrite!(job, [written]);
    const back = await readLocal({ format: "json", paths: [job.path] });
    expect(sortedJson(back.rows)).toEqual(sortedJson([{ x: 1, p: "a" }, { x: 2, p: "b" }, { x: 3, p: "a" }]));
    expect(await ds.prepareWrite!({ ...job, mode: "ignore", jobId: "j3" })).toEqual({ skip: true });
  });
});
