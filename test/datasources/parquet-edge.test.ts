import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { readLocal, writeLocal } from "../../engine/sql/datasources";
import { StructType, type DataType } from "../../engine/sql/types";
import { ExecutionError } from "../../engine/common/errors";
import { cleanupTemp, duckRows, duckTypes, tempDir, writeText } from "./helpers";

afterAll(cleanupTemp);
const T = (type: string) => ({ type }) as DataType;

describe("Parquet edge cases", () => {
  it("decimals of every physical width, bytes/shorts, nested lists of structs round-trip via DuckDB", async () => {
    const schema = new StructType()
      .add("d5", { type: "decimal", precision: 5, scale: 2 })
      .add("d15", { type: "decimal", precision: 15, scale: 3 })
      .add("d25", { type: "decimal", precision: 25, scale: 4 })
      .add("t", T("byte")).add("sh", T("short")).add("f", T("float"))
      .add("ls", { type: "array", elementType: { type: "struct", fields: [{ name: "a", dataType: T("integer"), nullable: true }] }, containsNull: true });
    const rows = [
      { d5: 123.45, d15: 123456789012.345, d25: 1234567.8912, t: -5, sh: 300, f: 1.5, ls: [{ a: 1 }, null, { a: null }] },
      { d5: -0.01, d15: 0, d25: -1.5, t: 127, sh: -32768, f: -0.25, ls: [] },
    ];
    const out = join(tempDir(), "dec");
    writeLocal("parquet", out, schema, [rows]);
    expect(await duckTypes(`select * from read_parquet('${out}/*.parquet')`)).toEqual({
      d5: "DECIMAL(5,2)", d15: "DECIMAL(15,3)", d25: "DECIMAL(25,4)", t: "TINYINT", sh: "SMALLINT", f: "FLOAT", ls: 'STRUCT("a" INTEGER)[]',
    });
    const theirs = await duckRows(`select d5::DOUBLE d5, d15::DOUBLE d15, d25::DOUBLE d25, t, sh, f, ls from read_parquet('${out}/*.parquet')`);
    expect(theirs).toEqual(rows);
    const ours = await readLocal({ format: "parquet", paths: [out] });
    expect(ours.schema.simpleString()).toBe(schema.simpleString());
    expect(ours.rows).toEqual(rows);
  });

  it("mergeSchema unions the columns of files with different schemas", async () => {
    const d = tempDir();
    writeLocal("parquet", join(d, "t", "v=1"), new StructType().add("a", T("integer")), [[{ a: 1 }]]);
    writeLocal("parquet", join(d, "t", "v=2"), new StructType().add("a", T("long")).add("b", T("string")), [[{ a: 2, b: "x" }]]);
    const merged = await readLocal({ format: "parquet", paths: [join(d, "t")], options: { mergeSchema: true } });
    expect(merged.schema.simpleString()).toBe("struct<a:bigint,b:string,v:int>");
    expect(merged.rows.sort((x, y) => (x.v as number) - (y.v as number))).toEqual([{ a: 1, b: null, v: 1 }, { a: 2, b: "x", v: 2 }]);
  });

  it("a file that is not Parquet fails with an ExecutionError naming the file", async () => {
    const p = writeText(join(tempDir(), "fake.parquet"), "this is not parquet at all, just text");
    const err = await readLocal({ format: "parquet", paths: [p] }).catch((e) => e);
    expect(err).toBeInstanceOf(ExecutionError);
    expect(err.message).toContain(`file:${p}`);
  });

  it("a user schema reads only its columns and fills absent ones with null", async () => {
    const out = join(tempDir(), "t");
    writeLocal("parquet", out, new StructType().add("a", T("integer")).add("b", T("string")), [[{ a: 1, b: "x" }]]);
    const r = await readLocal({ format: "parquet", paths: [out], userSchema: new StructType().add("b", T("string")).add("zz", T("double")) });
    expect(r.rows).toEqual([{ b: "x", zz: null }]);
  });

  it("ignoreCorruptFiles skips files that are not Parquet; ignoreMissingFiles skips files deleted after planning", async () => {
    const d = tempDir();
    writeLocal("parquet", join(d, "t"), new StructType().add("a", T("integer")), [[{ a: 1 }], [{ a: 2 }]]);
    writeText(join(d, "t", "part-99999-broken.parquet"), "not parquet");
    await expect(readLocal({ format: "parquet", paths: [join(d, "t")], userSchema: new StructType().add("a", T("integer")) })).rejects.toThrow(/footer/);
    const r = await readLocal({ format: "parquet", paths: [join(d, "t")], options: { ignoreCorruptFiles: true }, userSchema: new StructType().add("a", T("integer")) });
    expect(r.rows.map((x) => x.a).sort()).toEqual([1, 2]);

    const { resolveScan, readSplit } = await import("../../engine/sql/datasources");
    const { rmSync } = await import("node:fs");
    const scan = await resolveScan({ format: "csv", paths: [writeText(join(d, "gone.csv"), "x\n")], options: { ignoreMissingFiles: true } });
    rmSync(join(d, "gone.csv"));
    expect(await readSplit(scan.tasks[0]!)).toEqual([]);
  });
});
