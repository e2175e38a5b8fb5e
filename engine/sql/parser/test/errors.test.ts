// Error conditions, messages and exact positions (1-based line/column, caret snippet).

import { describe, expect, it } from "vitest";
import { parseExpression, parseNamedExpression, parseStatement } from "../index";
import { parseErrorOf } from "./helpers";

const err = (sql: string) => parseErrorOf(() => parseStatement(sql));

describe("syntax errors", () => {
  it("points at the offending token with Spark's message and snippet", () => {
    const e = err("SELECT FROM t");
    expect(e.condition).toBe("PARSE_SYNTAX_ERROR");
    expect(e.name).toBe("ParseError");
    expect(e.message.split(" (line ")[0]).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'.");
    expect(e.context).toEqual({
      line: 1, column: 8,
      snippet: "== SQL (line 1, position 8) ==\nSELECT FROM t\n-------^^^^",
    });
    expect(e.parameters).toMatchObject({ error: "'FROM'" });
  });

  it("carries the position and the statement with a caret in the message itself, as Spark's getMessage does", () => {
    expect(String(err("SELECT a,\n  1 +\nFROM t"))).toBe(
      "ParseError: [PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'. (line 3, pos 0)\n\n== SQL ==\nSELECT a,\n  1 +\nFROM t\n^^^");
    expect(err("SELECT FROM t WHERE x").message).toBe(
      "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'. (line 1, pos 7)\n\n== SQL ==\nSELECT FROM t WHERE x\n-------^^^");
  });

  it("reports end of input after the last character", () => {
    const e = err("SELECT a FROM");
    expect(e.message.split(" (line ")[0]).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.");
    expect(e.context).toEqual({ line: 1, column: 14, snippet: "== SQL (line 1, position 14) ==\nSELECT a FROM\n-------------^" });
  });

  it("puts end of input right after the last token, not on trailing blank lines", () => {
    const e = err("SELECT a,\n  b FROM\n\n  -- trailing comment\n");
    expect(e.context).toEqual({ line: 2, column: 9, snippet: "== SQL (line 2, position 9) ==\n  b FROM\n--------^" });
  });

  it("shows only the offending line of a multi-line statement", () => {
    const e = err("SELECT a\nFROM t WHERE = 1\nLIMIT 3");
    expect(e.message.split(" (line ")[0]).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near '='.");
    expect(e.context).toEqual({ line: 2, column: 14, snippet: "== SQL (line 2, position 14) ==\nFROM t WHERE = 1\n-------------^" });
  });

  it.each([
    ["SELECT * FROM t WHERE a = = 1", "'='", 1, 27],
    ["SELECT a b c FROM t", "'c'", 1, 12],
    ["SELECT 1 +", "end of input", 1, 11],
    ["SELECT (1", "end of input", 1, 10],
    ["SELECT a @ b", "'@'", 1, 10],
    ["SELECT a FROM t SORT BY a DISTRIBUTE BY a", "'DISTRIBUTE'", 1, 27],
    ["SELECT * FROM a NATURAL JOIN b ON x", "'ON'", 1, 32],
    ["SELECT * FROM a LEFT b", "'b'", 1, 22],
    ["SELECT a,\n  FROM t", "'FROM'", 2, 3],
    ["SELECT CASE WHEN a THEN 1", "end of input", 1, 26],
    ["SELECT count(DISTINCT) FROM t", "')'", 1, 22],
    ["SELECT * FROM t GROUP a", "'a'", 1, 23],
    ["SELECT * FROM t ORDER a", "'a'", 1, 23],
    ["GRANT SELECT ON t TO bob", "'GRANT'", 1, 1],
    ["SELECT 1 UNION", "end of input", 1, 15],
    ["WITH a AS SELECT 1 SELECT 2", "'SELECT'", 1, 11],
    ["SELECT a NOT b", "'NOT'", 1, 10],
    ["SELECT * FROM (SELECT 1", "end of input", 1, 24],
    ["SELECT * FROM t WHERE a IN ()", "')'", 1, 29],
    ["SELECT x FROM t ORDER BY", "end of input", 1, 25],
    ["SELECT 'a' 'b' 'c", "''c'", 1, 16],
  ])("%s -> near %s at %i:%i", (sql, near, line, column) => {
    const e = err(sql);
    expect(e.condition).toBe("PARSE_SYNTAX_ERROR");
    expect(e.message).toMatch(new RegExp(`^\\[PARSE_SYNTAX_ERROR\\] Syntax error at or near ${near.replace(/[()]/g, "\\$&")}`));
    expect(e.context).toMatchObject({ line, column });
  });

  it("expression entry points reject trailing text", () => {
    const e = parseErrorOf(() => parseExpression("a > 1 AS b"));
    expect(e.message.split(" (line ")[0]).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near 'AS'.");
    expect(e.context).toMatchObject({ line: 1, column: 7 });
    expect(parseNamedExpression("count(*) AS n")).toMatchObject({ alias: "n", expr: { kind: "function" } });
    expect(parseNamedExpression("a + 1 b")).toMatchObject({ alias: "b" });
    expect(parseErrorOf(() => parseExpression("")).message.split(" (line ")[0]).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.");
  });
});

describe("lexical errors", () => {
  it("unclosed bracketed comment", () => {
    const e = err("SELECT 1 /* never\nclosed");
    expect(e.condition).toBe("UNCLOSED_BRACKETED_COMMENT");
    expect(e.message.split(" (line ")[0]).toBe("[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. Please, append */ at the end of the comment.");
    expect(e.context).toMatchObject({ line: 1, column: 10 });
  });

  it("nested comments must all be closed", () => {
    expect(err("SELECT 1 /* a /* b */ c").condition).toBe("UNCLOSED_BRACKETED_COMMENT");
    expect(parseStatement("SELECT /* a /* b */ c */ 1")).toMatchObject({ kind: "query" });
  });

  it("unclosed hint", () => {
    expect(err("SELECT /*+ BROADCAST(t) * FROM t").condition).toBe("UNCLOSED_BRACKETED_COMMENT");
  });

  it("unclosed string literal and quoted identifier", () => {
    const s = err("SELECT 'abc");
    expect(s.message.split(" (line ")[0]).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near ''abc': unclosed string literal.");
    expect(s.context).toMatchObject({ line: 1, column: 8 });
    const q = err("SELECT `abc FROM t");
    expect(q.message.split(" (line ")[0]).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near '`abc FROM t': unclosed quoted identifier.");
    expect(q.context).toMatchObject({ line: 1, column: 8 });
  });

  it("bad hexadecimal literal", () => {
    const e = err("SELECT X'0G'");
    expect(e.condition).toBe("PARSE_SYNTAX_ERROR");
    expect(e.context).toMatchObject({ line: 1, column: 8 });
  });
});

describe("other Spark conditions", () => {
  it("INVALID_IDENTIFIER for dashed table names", () => {
    const e = err("SELECT * FROM my-table-1 WHERE a-b > 0");
    expect(e.condition).toBe("INVALID_IDENTIFIER");
    expect(e.message.split(" (line ")[0]).toBe("[INVALID_IDENTIFIER] The identifier my-table-1 is invalid. Please, consider quoting it with back-quotes as `my-table-1`.");
    expect(e.context).toEqual({
      line: 1, column: 15, snippet: "== SQL (line 1, position 15) ==\nSELECT * FROM my-table-1 WHERE a-b > 0\n--------------^^^^^^^^^^",
    });
    // a dash in an expression is subtraction, spaced or not
    expect(parseStatement("SELECT a-b FROM `my-table`")).toMatchObject({ kind: "query" });
  });

  it("UNSUPPORTED_DATATYPE inside CAST points at the type", () => {
    const e = err("SELECT CAST(a AS foo)");
    expect(e.message.split(" (line ")[0]).toBe('[UNSUPPORTED_DATATYPE] Unsupported data type "FOO".');
    expect(e.context).toMatchObject({ line: 1, column: 18 });
  });

  it("INVALID_NUMERIC_LITERAL_RANGE points at the literal", () => {
    const e = err("SELECT 1, 300Y");
    expect(e.condition).toBe("INVALID_NUMERIC_LITERAL_RANGE");
    expect(e.context).toMatchObject({ line: 1, column: 11 });
  });

  it("sampling percent out of range", () => {
    const e = err("SELECT * FROM t TABLESAMPLE (150 PERCENT)");
    expect(e.condition).toBe("INVALID_SAMPLING_PERCENT");
    expect(e.context).toMatchObject({ line: 1, column: 30 });
  });

  it("INVALID_ESCAPE_CHAR", () => {
    expect(err("SELECT a LIKE 'x' ESCAPE 'ab'").condition).toBe("INVALID_ESCAPE_CHAR");
  });

  it("nested subqueries that need backtracking parse (memoised, not exponential)", () => {
    // Each level is first tried as a query, then as an expression; 60 levels would be 2^60 retries unmemoised.
    const n = 60;
    const sql = "SELECT " + "((SELECT ".repeat(n) + "1" + ") + 1)".repeat(n);
    expect(parseStatement(sql)).toMatchObject({ kind: "query" });
    const rel = "SELECT * FROM " + "((SELECT * FROM ".repeat(n) + "t" + ") x JOIN u ON p)".repeat(n);
    expect(parseStatement(rel)).toMatchObject({ kind: "query" });
  });

  it("numbers positional parameters by position even after backtracking", () => {
    const q = parseStatement("SELECT ((SELECT ?) + ?), ?");
    const json = JSON.stringify(q);
    expect([...json.matchAll(/"index":(\d+)/g)].map((m) => Number(m[1]))).toEqual([0, 1, 2]);
  });

  it("deep nesting is a ParseError, not a crash", () => {
    const deep = "SELECT " + "(".repeat(20000) + "1" + ")".repeat(20000);
    expect(err(deep).condition).toBe("FAILED_TO_PARSE_TOO_COMPLEX");
  });
});
