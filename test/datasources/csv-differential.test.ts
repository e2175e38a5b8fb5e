// CSV against independent references: DuckDB's CSV writer and reader, and a write -> read
// round trip over random values (quotes, separators, line breaks, unicode, empty strings, nulls).
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { join } from "node:path";
import { readLocal, writeLocal } from "../../engine/sql/datasources";
import { StructType, type DataType } from "../../engine/sql/types";
import { cleanupTemp, duckRows, sortedJson, tempDir } from "./helpers";

afterAll(cleanupTemp);
const T = (type: string) => ({ type }) as DataType;

describe("CSV vs DuckDB", () => {
  it("a CSV DuckDB writes is read by us (header, inferSchema) with DuckDB's values", async () => {
    const f = join(tempDir(), "duck.csv");
    await duckRows(`COPY (
      SELECT range::INTEGER AS id, 'name ' || range || CASE WHEN range % 4 = 0 THEN ', with "quotes"' ELSE '' END AS name,
             range * 1.25 AS score, range % 2 = 0 AS even, CASE WHEN range % 5 = 0 THEN NULL ELSE range * 3000000000 END AS big
      FROM range(300)) TO '${f}' (HEADER, DELIMITER ',', QUOTE '"', ESCAPE '"')`);
    const ours = await readLocal({ format: "csv", paths: [f], options: { header: true, inferSchema: true } });
    expect(ours.schema.simpleString()).toBe("struct<id:int,name:string,score:double,even:boolean,big:bigint>");
    const theirs = await duckRows(`select * from read_csv('${f}', header = true)`);
    expect(sortedJson(ours.rows)).toEqual(sortedJson(theirs));
  });

  it("a CSV we write is read by DuckDB with the same values", async () => {
    const schema = new StructType().add("id", T("integer")).add("txt", T("string")).add("x", T("double"));
    const rows = [
      { id: 1, txt: 'comma, "quote"', x: 0.5 },
      { id: 2, txt: "line\nbreak", x: -2 },
      { id: 3, txt: null, x: null },
    ];
    const out = join(tempDir(), "ours");
    // escape '"' makes our output RFC 4180 (doubled quotes), which DuckDB reads by default.
    writeLocal("csv", out, schema, [rows], { options: { header: true, escape: '"' } });
    const theirs = await duckRows(`select * from read_csv('${out}/*.csv', header = true, columns = {'id': 'INTEGER', 'txt': 'VARCHAR', 'x': 'DOUBLE'})`);
    expect(theirs).toEqual(rows);
  });
});

describe("CSV write -> read round trip", () => {
  it("random strings, numbers and nulls survive (multiLine, whitespace kept)", async () => {
    const schema = new StructType().add("s", T("string")).add("n", T("long")).add("d", T("double")).add("b", T("boolean"));
    const str = fc.string({ unit: fc.constantFrom("a", "Z", " ", ",", '"', "\\", "\n", "\r\n", "é", "漢", ";", "'"), maxLength: 10 });
    const row = fc.record({
      s: fc.option(str, { nil: null }),
      n: fc.option(fc.maxSafeInteger(), { nil: null }),
      d: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)), { nil: null }),
      b: fc.option(fc.boolean(), { nil: null }),
    });
    await fc.assert(fc.asyncProperty(fc.array(row, { maxLength: 20 }), fc.constantFrom('\\', '"'), async (rows, escape) => {
      const out = join(tempDir(), "rt");
      const options = { header: true, multiLine: true, nullValue: "\\N", escape, ignoreLeadingWhiteSpace: false, ignoreTrailingWhiteSpace: false };
      writeLocal("csv", out, schema, [rows], { options });
      const back = await readLocal({ format: "csv", paths: [out], options, userSchema: schema });
      // A string equal to the nullValue text cannot be told apart from null (same as Spark).
      const expected = rows.map((r) => ({ ...r, s: r.s === "\\N" ? null : r.s }));
      expect(back.rows).toEqual(expected);
    }), { numRuns: 60 });
  });
});
