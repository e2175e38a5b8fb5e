import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { join } from "node:path";
import { readLocal, resolveScan } from "../../engine/sql/datasources";
import { StructType } from "../../engine/sql/types";
import { ExecutionError, AnalysisError } from "../../engine/common/errors";
import { cleanupTemp, tempDir, writeText } from "./helpers";

afterAll(cleanupTemp);

const csv = async (text: string, options: Record<string, string | boolean> = {}, userSchema?: StructType) => {
  const p = writeText(join(tempDir(), "data.csv"), text);
  return readLocal({ format: "csv", paths: [p], options, userSchema });
};

describe("CSV parsing", () => {
  it("handles quotes, separators inside quotes, doubled and backslash-escaped quotes", async () => {
    const r = await csv('a,b\n"x, y","say ""hi"""\n"back\\"slash",plain\n', { header: true });
    expect(r.rows).toEqual([
      { a: "x, y", b: 'say "hi"' },
      { a: 'back"slash', b: "plain" },
    ]);
  });

  it("unquoted empty is null; quoted empty is emptyValue, null when it equals nullValue (Spark default)", async () => {
    const dflt = await csv('a,b,c\n1,,""\n', { header: true });
    expect(dflt.rows).toEqual([{ a: "1", b: null, c: null }]);
    const withNull = await csv('a,b,c\n1,,""\nNULL,x,y\n', { header: true, nullValue: "NULL" });
    expect(withNull.rows).toEqual([{ a: "1", b: null, c: "" }, { a: null, b: "x", c: "y" }]);
  });

  it("multiLine keeps line breaks inside quoted fields; without it they split records", async () => {
    const text = 'id,text\n1,"line one\nline two"\n2,single\n';
    const ml = await csv(text, { header: true, multiLine: true });
    expect(ml.rows).toEqual([{ id: "1", text: "line one\nline two" }, { id: "2", text: "single" }]);
    const noMl = await csv(text, { header: true });
    expect(noMl.rows.length).toBe(3);
  });

  it("CRLF line endings, comments, custom sep, whitespace trimming", async () => {
    const r = await csv("# comment\r\na; b\r\n 1 ; x \r\n# another\r\n2;y\r\n", {
      header: true, sep: ";", comment: "#", ignoreLeadingWhiteSpace: true, ignoreTrailingWhiteSpace: true,
    });
    expect(r.schema.fieldNames).toEqual(["a", "b"]);
    expect(r.rows).toEqual([{ a: "1", b: "x" }, { a: "2", b: "y" }]);
  });

  it("names columns _c0.. without header and dedupes duplicate header names", async () => {
    expect((await csv("1,2\n")).schema.fieldNames).toEqual(["_c0", "_c1"]);
    expect((await csv("a,a,,b\n1,2,3,4\n", { header: true })).schema.fieldNames).toEqual(["a0", "a1", "_c2", "b"]);
  });
});

describe("CSV schema inference", () => {
  it("infers int, bigint, double, boolean, timestamp, string and widens across rows", async () => {
    const r = await csv(
      "i,l,d,b,t,s,w,n\n1,3000000000,1.5,true,2024-01-02 03:04:05,abc,1,\n2,4,2,false,2024-01-03,def,2.5,\n",
      { header: true, inferSchema: true },
    );
    expect(r.schema.simpleString()).toBe("struct<i:int,l:bigint,d:double,b:boolean,t:timestamp,s:string,w:double,n:string>");
    expect(r.rows[0]).toEqual({ i: 1, l: 3000000000, d: 1.5, b: true, t: new Date("2024-01-02T03:04:05Z"), s: "abc", w: 1, n: null });
  });

  it("date-only columns infer as date (preferDate, Spark 3.4+ default); dateFormat is honoured", async () => {
    const r = await csv("d,e\n2024-02-29,01/03/2024\n", { header: true, inferSchema: true, dateFormat: "dd/MM/yyyy" });
    expect(r.schema.fields.map((f) => f.dataType.type)).toEqual(["timestamp", "date"]);
    expect(r.rows[0]!.e).toEqual(new Date("2024-03-01T00:00:00Z"));
    const r2 = await csv("d\n2024-02-29\n", { header: true, inferSchema: true });
    expect(r2.schema.fields[0]!.dataType.type).toBe("date");
    expect(r2.rows[0]!.d).toEqual(new Date("2024-02-29T00:00:00Z"));
    const r3 = await csv("d\n2024-02-29\n", { header: true, inferSchema: true, preferDate: false });
    expect(r3.schema.fields[0]!.dataType.type).toBe("timestamp");
    const mixed = await csv("d\n2024-02-29\n2024-03-01 10:00:00\n", { header: true, inferSchema: true });
    expect(mixed.schema.fields[0]!.dataType.type).toBe("timestamp");
  });

  it("mixed int and text falls back to string", async () => {
    const r = await csv("x\n1\nabc\n", { header: true, inferSchema: true });
    expect(r.schema.simpleString()).toBe("struct<x:string>");
  });
});

describe("CSV parse modes", () => {
  const schema = new StructType().add("id", { type: "integer" }).add("name", { type: "string" }).add("age", { type: "integer" });
  const text = "id,name,age\n1,ann,30\n2,bob,abc\n3,cy\n4,dee,40\n";

  it("PERMISSIVE: bad fields become null, raw line in _corrupt_record when the schema has it", async () => {
    const plain = await csv(text, { header: true }, schema);
    expect(plain.rows).toEqual([
      { id: 1, name: "ann", age: 30 },
      { id: 2, name: "bob", age: null },
      { id: 3, name: "cy", age: null },
      { id: 4, name: "dee", age: 40 },
    ]);
    const withCorrupt = await csv(text, { header: true }, schema.add("_corrupt_record", { type: "string" }));
    expect(withCorrupt.rows.map((r) => r._corrupt_record)).toEqual([null, "2,bob,abc", "3,cy", null]);
  });

  it("columnNameOfCorruptRecord renames the corrupt column", async () => {
    const r = await csv(text, { header: true, columnNameOfCorruptRecord: "bad" }, schema.add("bad", { type: "string" }));
    expect(r.rows.filter((x) => x.bad !== null).length).toBe(2);
  });

  it("DROPMALFORMED drops bad rows", async () => {
    const r = await csv(text, { header: true, mode: "DROPMALFORMED" }, schema);
    expect(r.rows.map((x) => x.id)).toEqual([1, 4]);
  });

  it("FAILFAST names file, line, column and value", async () => {
    const p = writeText(join(tempDir(), "people.csv"), text);
    const err = await readLocal({ format: "csv", paths: [p], options: { header: true, mode: "FAILFAST" }, userSchema: schema }).catch((e) => e);
    expect(err).toBeInstanceOf(ExecutionError);
    expect(err.condition).toBe("MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION");
    expect(err.message).toContain(`file:${p}`);
    expect(err.message).toContain("line 3");
    expect(err.message).toContain("`age`");
    expect(err.message).toContain("'abc'");
    expect(err.context.line).toBe(3);
  });

  it("FAILFAST with multiLine reports the right line", async () => {
    const p = writeText(join(tempDir(), "ml.csv"), 'id,name,age\n1,"a\nb",3\n2,x,oops\n');
    const err = await readLocal({ format: "csv", paths: [p], options: { header: true, multiLine: true, mode: "FAILFAST" }, userSchema: schema }).catch((e) => e);
    expect(err.context.line).toBe(4);
  });
});

describe("CSV paths and errors", () => {
  it("missing path is AnalysisError PATH_NOT_FOUND with Spark's message", async () => {
    const missing = join(tempDir(), "nope.csv");
    const err = await readLocal({ format: "csv", paths: [missing] }).catch((e) => e);
    expect(err).toBeInstanceOf(AnalysisError);
    expect(err.condition).toBe("PATH_NOT_FOUND");
    expect(err.message).toContain(`Path does not exist: file:${missing}`);
  });

  it("reads a directory and a glob, skipping _SUCCESS and hidden files", async () => {
    const d = tempDir();
    writeText(join(d, "part-0.csv"), "1\n2\n");
    writeText(join(d, "part-1.csv"), "3\n");
    writeText(join(d, "_SUCCESS"), "");
    writeText(join(d, ".part-0.csv.crc"), "garbage");
    expect((await readLocal({ format: "csv", paths: [d] })).rows.length).toBe(3);
    expect((await readLocal({ format: "csv", paths: [join(d, "part-1*")] })).rows).toEqual([{ _c0: "3" }]);
  });
});

describe("CSV splits", () => {
  it("many splits yield exactly the rows of one split-less read (property over split sizes)", async () => {
    const lines = ["id,name,note"];
    for (let i = 0; i < 300; i++) lines.push(`${i},name-${"x".repeat(i % 17)},"n, ${i}"${i % 7 === 0 ? "\r" : ""}`);
    const p = writeText(join(tempDir(), "big.csv"), lines.join("\n") + (Math.random() < 2 ? "\n" : ""));
    const whole = await readLocal({ format: "csv", paths: [p], options: { header: true } }, { maxPartitionBytes: 1 << 30 });
    expect(whole.splits).toBe(1);
    expect(whole.rows.length).toBe(300);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), async (size) => {
        const r = await readLocal({ format: "csv", paths: [p], options: { header: true } }, { maxPartitionBytes: size, openCostInBytes: 0 });
        expect(r.splits).toBeGreaterThan(1);
        const key = (x: Record<string, unknown>) => String(x.id);
        expect([...r.rows].sort((a, b) => Number(key(a)) - Number(key(b)))).toEqual(whole.rows);
      }),
      { numRuns: 40 },
    );
  });

  it("reports bytes and records into a task context's metrics", async () => {
    const { readSplit } = await import("../../engine/sql/datasources");
    const p = writeText(join(tempDir(), "m.csv"), "a\nb\nc\n");
    const scan = await resolveScan({ format: "csv", paths: [p] });
    const tc = { metrics: { bytesRead: 0, recordsRead: 0 } };
    expect((await readSplit(scan.tasks[0]!, tc)).length).toBe(3);
    expect(tc.metrics).toEqual({ bytesRead: 6, recordsRead: 3 });
  });

  it("plans byte-range splits and packs small files", async () => {
    const d = tempDir();
    for (let i = 0; i < 5; i++) writeText(join(d, `f${i}.csv`), "a\n");
    const scan = await resolveScan({ format: "csv", paths: [d] }, { defaultParallelism: 2 });
    // Spark's packing: maxSplit = max(openCost 4MB, (5 * (2 B + 4 MB)) / 2) ~ 10 MB; each file costs 4 MB.
    expect(scan.tasks.length).toBe(2);
    expect(scan.tasks.map((t) => t.split.split.files.length).sort()).toEqual([2, 3]);
    const p = writeText(join(d, "..", "one.csv"), "x\n".repeat(1000));
    const s2 = await resolveScan({ format: "csv", paths: [p] }, { maxPartitionBytes: 100, openCostInBytes: 0 });
    expect(s2.tasks.length).toBe(20);
  });
});

describe("CSV encodings", () => {
  it("reads ISO-8859-1 with encoding option and rejects unknown encodings", async () => {
    const p = join(tempDir(), "latin.csv");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(p, Buffer.from("name\ncafé\nMüller\n", "latin1"));
    const r = await readLocal({ format: "csv", paths: [p], options: { header: true, encoding: "ISO-8859-1" } });
    expect(r.rows).toEqual([{ name: "café" }, { name: "Müller" }]);
    const err = await readLocal({ format: "csv", paths: [p], options: { header: true, encoding: "EBCDIC" } }).catch((e) => e);
    expect(err).toBeInstanceOf(AnalysisError);
    expect(err.message).toContain("Unsupported encoding");
  });
});
