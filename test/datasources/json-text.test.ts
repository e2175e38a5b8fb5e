import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { join } from "node:path";
import { readLocal } from "../../engine/sql/datasources";
import { StructType } from "../../engine/sql/types";
import { ExecutionError } from "../../engine/common/errors";
import { cleanupTemp, tempDir, writeText } from "./helpers";

afterAll(cleanupTemp);

const json = async (text: string, options: Record<string, string | boolean> = {}, userSchema?: StructType) => {
  const p = writeText(join(tempDir(), "data.json"), text);
  return readLocal({ format: "json", paths: [p], options, userSchema });
};

describe("JSON inference", () => {
  it("integers are bigint, int+double widens to double, conflicts become string, fields sorted by name", async () => {
    const r = await json('{"z":1,"a":1,"m":"x"}\n{"z":2.5,"a":2,"m":3}\n');
    expect(r.schema.simpleString()).toBe("struct<a:bigint,m:string,z:double>");
    expect(r.rows).toEqual([{ a: 1, m: "x", z: 1 }, { a: 2, m: "3", z: 2.5 }]);
  });

  it("merges nested structs and arrays across records; all-null fields become string", async () => {
    const r = await json('{"s":{"b":1},"arr":[1,2],"n":null}\n{"s":{"a":"x","b":2},"arr":[3.5]}\n{"arr":[]}\n');
    expect(r.schema.simpleString()).toBe("struct<arr:array<double>,n:string,s:struct<a:string,b:bigint>>");
    expect(r.rows[0]).toEqual({ arr: [1, 2], n: null, s: { a: null, b: 1 } });
    expect(r.rows[2]).toEqual({ arr: [], n: null, s: null });
  });

  it("malformed lines add _corrupt_record in PERMISSIVE; DROPMALFORMED drops; FAILFAST names the line", async () => {
    const text = '{"a":1}\n{"a":2\n{"a":3}\n';
    const perm = await json(text);
    expect(perm.schema.simpleString()).toBe("struct<_corrupt_record:string,a:bigint>");
    expect(perm.rows).toEqual([{ _corrupt_record: null, a: 1 }, { _corrupt_record: '{"a":2', a: null }, { _corrupt_record: null, a: 3 }]);
    expect((await json(text, { mode: "DROPMALFORMED" })).rows).toEqual([{ a: 1 }, { a: 3 }]);
    const p = writeText(join(tempDir(), "bad.json"), text);
    const err = await readLocal({ format: "json", paths: [p], options: { mode: "FAILFAST" } }).catch((e) => e);
    expect(err).toBeInstanceOf(ExecutionError);
    expect(err.message).toContain("line 2");
    expect(err.message).toContain(`file:${p}`);
  });

  it("type mismatch against a user schema: partial row in PERMISSIVE, column named in FAILFAST", async () => {
    const schema = new StructType().add("a", { type: "long" }).add("b", { type: "string" }).add("_corrupt_record", { type: "string" });
    const r = await json('{"a":"nope","b":"ok"}\n{"a":5,"b":{"x":1}}\n', {}, schema);
    expect(r.rows).toEqual([
      { a: null, b: "ok", _corrupt_record: '{"a":"nope","b":"ok"}' },
      { a: 5, b: '{"x":1}', _corrupt_record: null }, // a struct read as string keeps its JSON text, like Spark
    ]);
    const p = writeText(join(tempDir(), "m.json"), '{"a":1}\n{"a":"nope"}\n');
    const err = await readLocal({ format: "json", paths: [p], options: { mode: "FAILFAST" }, userSchema: schema }).catch((e) => e);
    expect(err.message).toContain("`a`");
    expect(err.message).toContain("'nope'");
    expect(err.message).toContain("line 2");
  });

  it("multiLine reads a document or a top-level array of records", async () => {
    const r = await json('[\n {"a": 1},\n {"a": 2, "b": [true]}\n]\n', { multiLine: true });
    expect(r.schema.simpleString()).toBe("struct<a:bigint,b:array<boolean>>");
    expect(r.rows).toEqual([{ a: 1, b: null }, { a: 2, b: [true] }]);
  });

  it("big integers beyond bigint range infer as decimal and stay exact", async () => {
    const r = await json('{"x":123456789012345678901234}\n');
    expect(r.schema.simpleString()).toBe("struct<x:decimal(24,0)>");
    expect(r.rows[0]!.x).toBe(123456789012345678901234n);
  });

  it("dates and timestamps from strings with a user schema", async () => {
    const schema = new StructType().add("d", { type: "date" }).add("t", { type: "timestamp" });
    const r = await json('{"d":"2024-03-01","t":"2024-03-01T12:30:00Z"}\n', {}, schema);
    expect(r.rows[0]).toEqual({ d: new Date("2024-03-01T00:00:00Z"), t: new Date("2024-03-01T12:30:00Z") });
  });

  it("splits of a JSON lines file give the same rows as one read", async () => {
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: i, s: "é".repeat(i % 5), v: i / 3 }));
    const p = writeText(join(tempDir(), "big.json"), lines.join("\n"));
    const whole = await readLocal({ format: "json", paths: [p] });
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 300 }), async (size) => {
      const r = await readLocal({ format: "json", paths: [p] }, { maxPartitionBytes: size, openCostInBytes: 0 });
      expect([...r.rows].sort((a, b) => (a.id as number) - (b.id as number))).toEqual(whole.rows);
    }), { numRuns: 25 });
  });
});

describe("text", () => {
  it("one row per line in column value; wholetext gives one row per file", async () => {
    const d = tempDir();
    writeText(join(d, "a.txt"), "hello\r\nworld\n\nold\rmac\rlast");
    writeText(join(d, "b.txt"), "x\n");
    const r = await readLocal({ format: "text", paths: [d] });
    expect(r.schema.simpleString()).toBe("struct<value:string>");
    expect(r.rows.map((x) => x.value)).toEqual(["hello", "world", "", "old", "mac", "last", "x"]);
    const w = await readLocal({ format: "text", paths: [d], options: { wholetext: true } });
    expect(w.rows.map((x) => x.value).sort()).toEqual(["hello\r\nworld\n\nold\rmac\rlast", "x\n"]);
  });

  it("split reading of text equals a single read for random line sets and split sizes", async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.string({ unit: fc.constantFrom("a", "b", "é", "漢", " ", "\r") , maxLength: 12 }), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 64 }),
      fc.boolean(),
      async (lines, size, trailingNewline) => {
        const p = writeText(join(tempDir(), "t.txt"), lines.join("\n") + (trailingNewline ? "\n" : ""));
        const one = await readLocal({ format: "text", paths: [p] }, { maxPartitionBytes: 1 << 20 });
        const many = await readLocal({ format: "text", paths: [p] }, { maxPartitionBytes: size, openCostInBytes: 0 });
        // Splits are read in planning order (largest first), so compare as multisets.
        expect(many.rows.map((r) => r.value).sort()).toEqual(one.rows.map((r) => r.value).sort());
        // Independent model: lines end at LF, CR or CRLF (Hadoop); no empty line after a final terminator.
        const text = lines.join("\n") + (trailingNewline ? "\n" : "");
        const pieces = text.split(/\r\n|\r|\n/);
        const model = text === "" ? [] : /[\r\n]$/.test(text) ? pieces.slice(0, -1) : pieces;
        expect(one.rows.map((r) => r.value)).toEqual(model);
      },
    ), { numRuns: 60 });
  });

  it("a CRLF straddling the reader's 1 MB buffer boundary is one terminator", async () => {
    const first = "a".repeat((1 << 20) - 1); // its \r is the last byte of the first buffer
    const p = writeText(join(tempDir(), "edge.txt"), `${first}\r\nsecond\rthird\n`);
    const r = await readLocal({ format: "text", paths: [p] }, { maxPartitionBytes: 1 << 30 });
    expect(r.rows.map((x) => (x.value as string).length)).toEqual([first.length, 6, 5]);
    const split = await readLocal({ format: "text", paths: [p] }, { maxPartitionBytes: 1 << 20, openCostInBytes: 0 });
    expect(split.splits).toBe(2);
    expect(split.rows.map((x) => (x.value as string).length).sort((a, b) => a - b)).toEqual([5, 6, first.length]);
  });
});

describe("JSON writing", () => {
  it("prints doubles like Spark (1.0, 1.0E20) so a re-read infers double, and bigints exactly", async () => {
    const { writeLocal, listOutput } = await import("../../engine/sql/datasources");
    const { readFileSync } = await import("node:fs");
    const schema = new StructType().add("x", { type: "double" }).add("n", { type: "long" });
    const out = join(tempDir(), "j");
    writeLocal("json", out, schema, [[{ x: 1, n: 2n ** 62n }, { x: 1e20, n: null }, { x: -0.5, n: 3 }]]);
    const text = readFileSync(join(out, listOutput(out).find((f) => f.endsWith(".json"))!), "utf8");
    expect(text).toBe('{"x":1.0,"n":4611686018427387904}\n{"x":1.0E20}\n{"x":-0.5,"n":3}\n');
    const back = await readLocal({ format: "json", paths: [out] });
    expect(back.schema.simpleString()).toBe("struct<n:bigint,x:double>");
    expect(back.rows[0]).toEqual({ n: 2n ** 62n, x: 1 });
  });
});
