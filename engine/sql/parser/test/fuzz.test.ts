// Robustness: whatever text arrives, the parser either returns an AST or throws a ParseError
// whose position lies inside the text. Random strings, token soups, and mutated valid queries.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../common/errors";
import { parseDataType, parseExpression, parseNamedExpression, parseStatements, parseTableSchema } from "../index";

const ENTRY_POINTS = [parseStatements, parseExpression, parseNamedExpression, parseDataType, parseTableSchema];

/** Run every entry point on `text`; fail on anything but success or a well-formed ParseError. */
function onlyParseErrors(text: string): void {
  for (const parse of ENTRY_POINTS) {
    try {
      parse(text);
    } catch (e) {
      if (!(e instanceof ParseError)) throw new Error(`${parse.name}(${JSON.stringify(text)}) threw ${String(e)}`);
      const { line, column, snippet } = e.context;
      if (line !== undefined) {
        const lines = text.split("\n");
        expect(line).toBeGreaterThanOrEqual(1);
        expect(line).toBeLessThanOrEqual(lines.length);
        expect(column).toBeGreaterThanOrEqual(1);
        expect(column!).toBeLessThanOrEqual(lines[line - 1]!.length + 1);
        expect(snippet).toContain(`== SQL (line ${line}, position ${column}) ==`);
      }
    }
  }
}

const VOCAB = [
  "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "JOIN", "LEFT", "RIGHT", "FULL",
  "OUTER", "INNER", "CROSS", "SEMI", "ANTI", "NATURAL", "ON", "USING", "UNION", "ALL", "DISTINCT", "INTERSECT",
  "EXCEPT", "MINUS", "WITH", "AS", "VALUES", "TABLE", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "TRY_CAST",
  "AND", "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "IN", "BETWEEN", "LIKE", "ESCAPE", "RLIKE", "EXISTS", "OVER",
  "PARTITION", "ROWS", "RANGE", "UNBOUNDED", "PRECEDING", "FOLLOWING", "CURRENT", "ROW", "WINDOW", "INTERVAL",
  "DAY", "HOUR", "TO", "MONTH", "DATE", "TIMESTAMP", "CREATE", "TEMP", "VIEW", "DROP", "EXPLAIN", "SHOW", "TABLES",
  "DESCRIBE", "SET", "CACHE", "UNCACHE", "LATERAL", "MERGE", "UPDATE", "DELETE", "MATCHED", "HISTORY", "VACUUM", "GROUPING", "SETS", "ROLLUP", "CUBE", "FILTER", "IGNORE",
  "NULLS", "FIRST", "LAST", "ASC", "DESC", "EXTRACT", "TRIM", "BOTH", "POSITION", "SUBSTRING", "FOR",
  "ANY", "SOME", "TABLESAMPLE", "PERCENT", "BUCKET", "OUT", "OF", "VERSION", "INSERT", "INTO", "USING", "OPTIONS",
  "OVERLAY", "PLACING", "struct", "window", "left", ":x", "?",
  "array", "map", "struct", "int", "decimal", "string", "count", "sum", "x", "t", "a", "b", "range", "parquet",
  "`q`", "`a b`", "'s'", "\"d\"", "'2024-01-01'", "X'0F'", "1", "1.5", "1e3", "10L", "-", "+", "*", "/", "%", "||",
  "=", "==", "<>", "!=", "<", "<=", ">", ">=", "<=>", "(", ")", "[", "]", ",", ".", ";", "::", "->", "!", "~", "&",
  "|", "^", "<", ">", ":", "/*+", "*/", "/*", "--", "'", "`", "\"", "\n", "?", "@", "{", "}",
];

const tokenSoup = fc.array(fc.constantFrom(...VOCAB), { maxLength: 30 }).chain((toks) =>
  fc.array(fc.constantFrom(" ", "", "\n", "  "), { minLength: toks.length, maxLength: toks.length })
    .map((seps) => toks.map((t, i) => t + seps[i]).join("")));

const CORPUS = [
  "SELECT a, b + 1 AS c FROM t WHERE x > 1 AND NOT y ORDER BY a DESC LIMIT 10",
  "WITH a AS (SELECT 1 x) SELECT * FROM a UNION ALL SELECT 2 INTERSECT SELECT 3",
  "SELECT count(DISTINCT x), sum(y) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t GROUP BY k",
  "SELECT * FROM parquet.`/x` p LEFT ANTI JOIN t2 USING (id), VALUES (1,'a') AS v(x,y)",
  "SELECT CASE WHEN a IN (1,2) THEN DATE '2024-01-01' ELSE CAST(b AS decimal(10,2)) END, transform(xs, x -> x + 1)",
  "CREATE OR REPLACE TEMP VIEW v AS SELECT /*+ BROADCAST(t) */ a[0].b, m['k'], INTERVAL '1' DAY FROM t",
  "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k) AND b LIKE 'x%' ESCAPE '!' -- c",
];

const mutated = fc.tuple(fc.constantFrom(...CORPUS), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 3 })), { maxLength: 4 }))
  .map(([sql, edits]) => {
    let s = sql;
    for (const [at, del, ins] of edits) {
      const i = at % (s.length + 1);
      s = s.slice(0, i) + ins + s.slice(i + del);
    }
    return s;
  });

describe("fuzz: only ParseError escapes", () => {
  it("random strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 60, unit: "grapheme" }), onlyParseErrors), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ maxLength: 40, unit: fc.constantFrom(..."'\"`()[]<>,.;:*/-+=!|&^~ \n\\0123456789aeEXLSDYF_") }), onlyParseErrors),
      { numRuns: 1000 });
  });

  it("token soups", () => {
    fc.assert(fc.property(tokenSoup, onlyParseErrors), { numRuns: 2000 });
  });

  it("mutated valid statements", () => {
    fc.assert(fc.property(mutated, onlyParseErrors), { numRuns: 2000 });
  });

  it("the corpus itself parses", () => {
    for (const sql of CORPUS) expect(() => parseStatements(sql)).not.toThrow();
  });
});
