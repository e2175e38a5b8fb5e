// Statement ASTs: views, EXPLAIN, SHOW, DESCRIBE, SET, CACHE, and multi-statement text.

import { describe, expect, it } from "vitest";
import { parseStatement, parseStatements, parseStatementsWithText, printAst } from "../index";
import { parseErrorOf, ps } from "./helpers";

describe("statements", () => {
  it.each([
    ["CREATE TEMP VIEW v AS SELECT 1", "(create_view v temporary (select (1)))"],
    ["CREATE OR REPLACE TEMPORARY VIEW v AS SELECT a FROM t",
      "(create_view v or_replace temporary (select (a) (from (table t))))"],
    ["create or replace global temp view v (x COMMENT 'the x', y) AS SELECT 1, 2",
      "(create_view v or_replace global temporary ((x 'the x') y) (select (1 2)))"],
    ["CREATE VIEW IF NOT EXISTS db.v COMMENT 'c' AS SELECT 1", "(create_view db.v if_not_exists (comment 'c') (select (1)))"],
    ["CREATE TEMP VIEW v AS WITH a AS (SELECT 1) SELECT * FROM a",
      "(create_view v temporary (query (with (a (select (1)))) (select (*) (from (table a)))))"],
    ["DROP VIEW v", "(drop_view v)"],
    ["DROP VIEW IF EXISTS global_temp.v", "(drop_view global_temp.v if_exists)"],
    ["EXPLAIN SELECT 1", "(explain simple (select (1)))"],
    ["EXPLAIN EXTENDED SELECT 1", "(explain extended (select (1)))"],
    ["explain formatted select * from t", "(explain formatted (select (*) (from (table t))))"],
    ["EXPLAIN CODEGEN SELECT 1", "(explain codegen (select (1)))"],
    ["EXPLAIN COST SELECT 1", "(explain cost (select (1)))"],
    ["SHOW TABLES", "(show_tables)"],
    ["SHOW TABLES IN global_temp LIKE 'v*'", "(show_tables global_temp 'v*')"],
    ["SHOW TABLES 'a*'", "(show_tables 'a*')"],
    ["SHOW VIEWS", "(show_views)"],
    ["SHOW VIEWS FROM db", "(show_views db)"],
    ["SHOW DATABASES", "(show_databases)"],
    ["SHOW FUNCTIONS LIKE 'a*'", "(show_functions 'a*')"],
    ["SHOW USER FUNCTIONS", "(show_functions)"],
    ["SHOW COLUMNS IN t", "(show_columns t)"],
    ["DESCRIBE t", "(describe_table t)"],
    ["DESC TABLE EXTENDED db.t", "(describe_table db.t extended)"],
    ["DESCRIBE t a", "(describe_table t a)"],
    ["DESCRIBE QUERY SELECT a FROM t", "(describe_query (select (a) (from (table t))))"],
    ["DESCRIBE SELECT 1", "(describe_query (select (1)))"],
    ["DESCRIBE FUNCTION EXTENDED upper", "(describe_function upper extended)"],
    ["SET", "(set)"],
    ["SET -v", "(set -v)"],
    ["SET spark.sql.shuffle.partitions", "(set 'spark.sql.shuffle.partitions')"],
    ["SET spark.sql.shuffle.partitions=4", "(set 'spark.sql.shuffle.partitions' '4')"],
    ["SET spark.sql.shuffle.partitions = 4;", "(set 'spark.sql.shuffle.partitions' '4')"],
    ["SET a.b = some text here", "(set 'a.b' 'some text here')"],
    ["SET TIME ZONE 'UTC'", "(set 'spark.sql.session.timeZone' 'UTC')"],
    ["RESET", "(reset)"],
    ["RESET spark.sql.shuffle.partitions", "(reset 'spark.sql.shuffle.partitions')"],
    ["CACHE TABLE t", "(cache_table t)"],
    ["CACHE LAZY TABLE t OPTIONS ('storageLevel' 'DISK_ONLY')", "(cache_table t lazy (options ('storageLevel' 'DISK_ONLY')))"],
    ["CACHE TABLE t AS SELECT * FROM u", "(cache_table t (select (*) (from (table u))))"],
    ["CACHE TABLE t SELECT 1", "(cache_table t (select (1)))"],
    ["UNCACHE TABLE t", "(uncache_table t)"],
    ["UNCACHE TABLE IF EXISTS t", "(uncache_table t if_exists)"],
    ["CLEAR CACHE", "(clear_cache)"],
    ["USE db", "(use db)"],
    ["USE DATABASE db", "(use db)"],
    ["CREATE TEMPORARY VIEW people USING csv OPTIONS (path 'people.csv', header 'true', inferSchema true)",
      "(create_temp_view_using people csv (options ('path' 'people.csv') ('header' 'true') ('inferSchema' 'true')))"],
    ["CREATE OR REPLACE GLOBAL TEMP VIEW v (a INT, b STRING) USING parquet OPTIONS ('path' = '/d')",
      "(create_temp_view_using v or_replace global 'struct<a:int,b:string>' parquet (options ('path' '/d')))"],
    ["CREATE TABLE t (a INT, b STRING) USING delta PARTITIONED BY (b) LOCATION '/tmp/t'",
      "(create_table t 'struct<a:int,b:string>' delta (partitioned_by b) (location '/tmp/t'))"],
    ["CREATE OR REPLACE TABLE IF NOT EXISTS db.t USING parquet COMMENT 'c' TBLPROPERTIES ('k' = 'v') AS SELECT 1 AS a",
      "(create_table db.t or_replace if_not_exists parquet (comment 'c') (tblproperties ('k' 'v')) (select ((as 1 a))))"],
    ["CREATE TABLE t USING delta SELECT * FROM u", "(create_table t delta (select (*) (from (table u))))"],
    ["DROP TABLE t", "(drop_table t)"],
    ["DROP TABLE IF EXISTS db.t PURGE", "(drop_table db.t if_exists)"],
    ["INSERT INTO t VALUES (1, 'a'), (2, 'b')", "(insert_into t (values (1 'a') (2 'b')))"],
    ["INSERT INTO TABLE t (a, b) SELECT x, y FROM u", "(insert_into t (a b) (select (x y) (from (table u))))"],
    ["INSERT OVERWRITE delta.`/tmp/d` SELECT * FROM u", "(insert_overwrite delta.`/tmp/d` (select (*) (from (table u))))"],
    ["SELECT 1;", "(select (1))"],
    ["SELECT 1 ;; ", "(select (1))"],
  ])("%s", (text, expected) => {
    expect(ps(text)).toBe(expected);
  });

  it("keeps the view's query text", () => {
    const s = parseStatement("CREATE TEMP VIEW v AS\n  SELECT a -- c\n  FROM t ;");
    expect(s.kind === "createView" && s.queryText).toBe("SELECT a -- c\n  FROM t");
  });

  it("splits statements on semicolons, not inside strings or comments", () => {
    const stmts = parseStatements("SET a=1; SELECT ';' AS x; -- done;\n/* ; */ ; SHOW TABLES;");
    expect(stmts.map(printAst)).toEqual(["(set 'a' '1')", "(select ((as ';' x)))", "(show_tables)"]);
    expect(parseStatements("  ; -- nothing\n")).toEqual([]);
  });

  it("gives each statement's source text", () => {
    expect(parseStatementsWithText("SET a=1;\n  SELECT 1 -- one\n ;; CACHE TABLE t")).toEqual([
      { statement: expect.objectContaining({ kind: "set" }), text: "SET a=1" },
      { statement: expect.objectContaining({ kind: "query" }), text: "SELECT 1" },
      { statement: expect.objectContaining({ kind: "cacheTable" }), text: "CACHE TABLE t" },
    ]);
  });

  it("rejects two statements where one is expected", () => {
    const e = parseErrorOf(() => parseStatement("SELECT 1; SELECT 2"));
    expect(e.message.split(" (line ")[0]).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELECT'.");
    expect(e.context).toMatchObject({ line: 1, column: 11 });
  });

  it("rejects mixed or misplaced view column lists", () => {
    expect(parseErrorOf(() => parseStatement("CREATE TEMP VIEW v (a INT, b) USING csv")).context).toMatchObject({ column: 20 });
    expect(parseErrorOf(() => parseStatement("CREATE TEMP VIEW v (a INT) AS SELECT 1")).message.split(" (line ")[0]).toBe(
      "[PARSE_SYNTAX_ERROR] Syntax error at or near 'AS'.");
    expect(parseErrorOf(() => parseStatement("CREATE VIEW v USING csv")).message.split(" (line ")[0]).toBe(
      "[PARSE_SYNTAX_ERROR] Syntax error at or near 'USING'.");
  });

  it("rejects an empty statement", () => {
    expect(parseErrorOf(() => parseStatement(" -- nothing")).message.split(" (line ")[0]).toBe(
      "[PARSE_EMPTY_STATEMENT] Syntax error, unexpected empty statement.");
  });
});
