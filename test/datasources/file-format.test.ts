// A new file format is one FileFormat object: listing, Hive partitions, pruning, splits, the
// commit protocol and the SQL core's seam come from the file data source around it.
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getDataSource } from "../../engine/sql/datasource-contract";
import { listOutput, readLocal, registerFileFormat, resolveScan, writeLocal, type FileFormat } from "../../engine/sql/datasources";
import { readLines } from "../../engine/sql/datasources/line-reader";
import { linesText, writeLineFile } from "../../engine/sql/datasources/line-writer";
import { outputFields } from "../../engine/sql/datasources/file-format";
import { StructType } from "../../engine/sql/types";
import { cleanupTemp, tempDir, writeText } from "./helpers";

afterAll(cleanupTemp);

// Pipe-separated lines with a header line naming string columns (no quoting): the whole format.
const psv: FileFormat = {
  name: "psv",
  inferSchema(files) {
    const first: string = [...readLines(files[0]!.path, 0, files[0]!.fileSize)][0]!.text;
    return new StructType(first.split("|").map((name) => ({ name, dataType: { type: "string" }, nullable: true })));
  },
  isSplitable: () => false,
  *readFile(file, cols) {
    const names = cols.dataSchema.fieldNames;
    let header = true;
    for (const line of readLines(file.path, file.start, file.length)) {
      if (header) { header = false; continue; }
      const cells = line.text.split("|");
      const row: Record<string, unknown> = {};
      for (const f of outputFields(cols)) {
        const i = names.indexOf(f.name);
        row[f.name] = i >= 0 ? (cells[i] ?? null) : (file.partitionValues[f.name] ?? null);
      }
      yield row;
    }
  },
  defaultCompression: "none",
  fileExtension: (c) => (c === "gzip" ? ".psv.gz" : ".psv"),
  writeFile: (path, rows, schema, o, c) => writeLineFile(path, linesText([schema.fieldNames.join("|"), ...rows.map((r) => schema.fieldNames.map((n) => String(r[n] ?? "")).join("|"))]), o, c, "psv"),
};
registerFileFormat(psv);

describe("a file format plugged into the file data source", () => {
  const schema = new StructType([
    { name: "city", dataType: { type: "string" }, nullable: true },
    { name: "pop", dataType: { type: "string" }, nullable: true },
    { name: "country", dataType: { type: "string" }, nullable: true },
  ]);
  const rows = [
    { city: "Paris", pop: "2.1", country: "FR" }, { city: "Lyon", pop: "0.5", country: "FR" }, { city: "Bonn", pop: "0.3", country: "DE" },
  ];

  it("writes Hive-partitioned files through the commit protocol and reads them back with partition pruning", async () => {
    const out = join(tempDir(), "cities");
    const files = writeLocal("psv", out, schema, [rows.slice(0, 2), rows.slice(2)], { partitionBy: ["country"] });
    expect(files.map((f) => f.partitionValues.country).sort()).toEqual(["DE", "FR"]);
    expect(listOutput(out)).toEqual(expect.arrayContaining(["_SUCCESS", expect.stringMatching(/^country=FR\/part-00000-.*-c000\.psv$/)]));
    const fr = files.find((f) => f.partitionValues.country === "FR")!;
    expect(readFileSync(fr.path, "utf8")).toBe("city|pop\nParis|2.1\nLyon|0.5\n");
    const all = await readLocal({ format: "psv", paths: [out] });
    expect(all.schema.fieldNames).toEqual(["city", "pop", "country"]);
    expect(all.rows.map((r) => `${r.city}/${r.country}`).sort()).toEqual(["Bonn/DE", "Lyon/FR", "Paris/FR"]);
    const de = await resolveScan({ format: "psv", paths: [out], pushedFilters: [{ op: "eq", column: "country", value: "DE" }] });
    expect([de.files.length, de.totalFiles]).toEqual([1, 2]);
  });

  it("is a data source of the SQL core: schema, splits and rows as arrays in the required order", async () => {
    const d = tempDir();
    writeText(join(d, "a.psv"), "k|v\n1|x\n2|y\n");
    const ds = getDataSource("PSV")!;
    const s = ds.inferSchema([d], {});
    expect(s.simpleString()).toBe("struct<k:string,v:string>");
    const splits = await ds.planSplits([d], {}, s, { requiredColumns: ["v"], pushedFilters: [] });
    const got = await ds.readSplit(splits[0], { dataSchema: s, requiredColumns: ["v", "k"], pushedFilters: [], options: {} });
    expect(got).toEqual([["x", "1"], ["y", "2"]]);
  });

  it("refuses an unknown codec and an existing path with Spark's errors", () => {
    const out = join(tempDir(), "t");
    expect(() => writeLocal("psv", out, schema, [rows], { options: { compression: "zstd" } })).toThrow(/CODEC_NOT_AVAILABLE|codec zstd is not available for psv/);
    const u = join(tempDir(), "u");
    writeLocal("psv", u, schema, [rows]);
    expect(() => writeLocal("psv", u, schema, [rows])).toThrow(/PATH_ALREADY_EXISTS/);
    expect(() => writeLocal("psv", u, schema, [rows], { mode: "sometimes" })).toThrow(/INVALID_SAVE_MODE/);
  });
});
