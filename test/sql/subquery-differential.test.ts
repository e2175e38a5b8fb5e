// IN / EXISTS / scalar subqueries anywhere in a condition or select list, with Spark's null
// semantics (NOT IN is null-aware: a NULL in the subquery makes it NULL, never true; an empty
// subquery makes it true), checked against DuckDB (same semantics) on random tables with nulls.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { SqlSession } from "../../engine/sql/index";
import { localHost } from "./support/local-context";
import { expectSameRows, loadBoth, rng } from "./support/duckdb-diff";

function makeTables(seed: number) {
  const r = rng(seed);
  const maybe = <T>(v: T, p = 0.15) => (r() < p ? null : v);
  const words = ["ant", "bee", "cat", "dog", "eel"];
  const t = Array.from({ length: 30 + Math.floor(r() * 30) }, (_, i) => [i, maybe(Math.floor(r() * 6)), maybe(words[Math.floor(r() * words.length)]!)]);
  const u = Array.from({ length: 8 + Math.floor(r() * 8) }, () => [maybe(Math.floor(r() * 8), 0.2), maybe(words[Math.floor(r() * words.length)]!), Math.floor(r() * 100)]);
  u.push([null, "ant", 1]); // at least one NULL k
  return { t, u };
}

const QUERIES = [
  // NOT IN: null-aware at the top level of WHERE
  "SELECT id FROM t WHERE k NOT IN (SELECT k FROM u)",
  "SELECT id FROM t WHERE k NOT IN (SELECT k FROM u WHERE k IS NOT NULL)",
  "SELECT id FROM t WHERE k NOT IN (SELECT k FROM u WHERE v > 1000)",
  "SELECT id FROM t WHERE w NOT IN (SELECT w FROM u WHERE v > 20)",
  "SELECT id FROM t WHERE k NOT IN (SELECT k FROM u WHERE u.w = t.w)",
  "SELECT id FROM t WHERE k IN (SELECT k FROM u) AND NOT EXISTS (SELECT 1 FROM u WHERE u.w = t.w AND u.v > 60)",
  // IN / EXISTS inside boolean expressions
  "SELECT id FROM t WHERE k = 1 OR k IN (SELECT k FROM u WHERE v > 50)",
  "SELECT id FROM t WHERE NOT (k IN (SELECT k FROM u WHERE k IS NOT NULL) AND w = 'cat')",
  "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE v > 90) OR k = 0",
  "SELECT id FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE v > 1000) AND (w = 'bee' OR k NOT IN (SELECT k FROM u))",
  "SELECT id FROM t WHERE CASE WHEN k IN (SELECT k FROM u WHERE v < 50) THEN true ELSE w = 'dog' END",
  // in the select list (three-valued results)
  "SELECT id, k IN (SELECT k FROM u) AS i, k NOT IN (SELECT k FROM u WHERE k IS NOT NULL) AS ni, k NOT IN (SELECT k FROM u) AS nn FROM t",
  "SELECT id, EXISTS (SELECT 1 FROM u WHERE v > 50) AS e, (SELECT max(v) FROM u) AS m FROM t",
  "SELECT id, k NOT IN (SELECT k FROM u WHERE v > 1000) AS e FROM t",
  // in HAVING
  "SELECT k, count(*) AS c FROM t GROUP BY k HAVING k IN (SELECT k FROM u WHERE v > 30) OR count(*) > 10",
  "SELECT w, count(*) AS c FROM t GROUP BY w HAVING w NOT IN (SELECT w FROM u WHERE v > 40)",
  "SELECT k, count(*) AS c FROM t GROUP BY k HAVING count(*) > (SELECT count(*) FROM u) / 4",
  // correlated scalar subqueries (left join to an aggregate by the correlation keys; count over no rows is 0)
  "SELECT id FROM t WHERE (SELECT count(*) FROM u WHERE u.k = t.k) > 1",
  "SELECT id, w FROM t WHERE k < (SELECT avg(v) FROM u WHERE u.w = t.w) / 10 OR w IS NULL",
  "SELECT id, (SELECT max(v) FROM u WHERE u.k = t.k) AS m, (SELECT count(*) FROM u WHERE u.w = t.w AND u.k = t.k) AS c FROM t",
  "SELECT id, coalesce((SELECT sum(v) FROM u WHERE u.k = t.k), -1) AS s, (SELECT count(v) + 1 FROM u WHERE u.k = t.k) AS c1 FROM t",
  "SELECT *, (SELECT count(*) FROM u WHERE u.w = t.w) AS n FROM t WHERE id < 20",
  // the same table inside and outside the subquery (inner columns must not be taken for outer ones)
  "SELECT id, (SELECT count(*) FROM t t2 WHERE t2.k = t.k) AS c FROM t",
  "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM t t2 WHERE t2.k = t.k AND t2.id <> t.id)",
  "SELECT id FROM t WHERE k NOT IN (SELECT k FROM t t2 WHERE t2.w = t.w AND t2.id > t.id)",
  "SELECT id FROM t WHERE id IN (SELECT max(id) FROM t t2 WHERE t2.w = t.w)",
  "SELECT id FROM t WHERE k IN (SELECT max(k) FROM u WHERE u.w = t.w) AND id < 40",
  // correlated EXISTS inside expressions (left join to the distinct correlation keys)
  "SELECT id FROM t WHERE k = 1 OR EXISTS (SELECT 1 FROM u WHERE u.w = t.w AND u.v > 50)",
  "SELECT id, EXISTS (SELECT 1 FROM u WHERE u.k = t.k) AS e, NOT EXISTS (SELECT 1 FROM u WHERE u.w = t.w) AS ne FROM t",
  "SELECT id FROM t WHERE CASE WHEN EXISTS (SELECT 1 FROM u WHERE u.k = t.k) THEN w = 'ant' ELSE true END",
  // forms no join rewrite covers, evaluated once per distinct binding of the outer columns
  "SELECT id FROM t WHERE k > (SELECT min(v) FROM u WHERE u.k >= t.k) / 20",
  "SELECT id, (SELECT count(*) FROM u WHERE u.k < t.k) AS c, (SELECT max(v) FROM u WHERE u.k >= t.k AND u.w <> t.w) AS m FROM t",
  "SELECT id FROM t WHERE k = 1 OR k IN (SELECT k FROM u WHERE u.w = t.w)",
  "SELECT id, k IN (SELECT k FROM u WHERE u.w = t.w) AS i, k NOT IN (SELECT k FROM u WHERE u.w = t.w) AS ni FROM t",
  "SELECT id FROM t WHERE k = 1 OR EXISTS (SELECT 1 FROM u WHERE u.v > t.k * 15)",
  "SELECT id FROM t WHERE NOT (k IN (SELECT k FROM u WHERE u.v > t.id) AND w = 'cat')",
  "SELECT id FROM t WHERE k = (SELECT max(k) FROM u WHERE u.w = t.w GROUP BY w HAVING count(*) > 1)",
  "SELECT id, (SELECT sum(v) FROM (SELECT v FROM u WHERE u.k = t.k UNION ALL SELECT v FROM u WHERE u.w = t.w)) AS s FROM t",
  "SELECT k, count(*) AS c, (SELECT max(v) FROM u WHERE u.k = t.k) AS m FROM t GROUP BY k",
  "SELECT k FROM t GROUP BY k HAVING count(*) >= (SELECT count(*) FROM u WHERE u.k = t.k)",
  "SELECT w, count(*) AS c FROM t GROUP BY w HAVING EXISTS (SELECT 1 FROM u WHERE u.w = t.w AND u.v > 80) OR count(*) > 12",
  "SELECT id, (SELECT t.k + 1) AS k1, (SELECT max(v) + t.k FROM u WHERE u.w = t.w) AS m FROM t",
  "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k AND EXISTS (SELECT 1 FROM u u2 WHERE u2.v > u.v AND u2.w = t.w))",
  // the same table inside and outside (its inner columns share ids with the outer ones)
  "SELECT k, (SELECT count(*) FROM t t2 WHERE t2.k = t.k) AS c, count(*) AS n FROM t GROUP BY k",
  "SELECT id, (SELECT count(*) FROM t t2 WHERE t2.id < t.id AND t2.w = t.w) AS c FROM t",
  // inside an aggregate's input: a value per input row
  "SELECT k, sum(CASE WHEN EXISTS (SELECT 1 FROM u WHERE u.w = t.w) THEN 1 ELSE 0 END) AS e FROM t GROUP BY k",
  "SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k)) AS f, sum((SELECT count(*) FROM u WHERE u.k < t.k)) AS s FROM t",
];

describe("subqueries vs DuckDB", () => {
  let con: DuckDBConnection;
  beforeAll(async () => { con = await (await DuckDBInstance.create(":memory:")).connect(); });
  afterAll(() => { con?.closeSync?.(); });

  const norm = (v: unknown): unknown => (v === undefined ? null : typeof v === "bigint" ? Number(v) : v);

  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: ${QUERIES.length} queries give the same rows`, async () => {
      const { t, u } = makeTables(seed);
      const spark = await loadBoth(con, seed, [
        { name: "t", sparkSchema: "id int, k int, w string", duckColumns: "id INTEGER, k INTEGER, w VARCHAR", rows: t },
        { name: "u", sparkSchema: "k int, w string, v int", duckColumns: "k INTEGER, w VARCHAR, v INTEGER", rows: u },
      ]);
      await expectSameRows(spark, con, QUERIES, norm);
    });
  }

  const session = () => {
    const spark = new SqlSession(localHost());
    spark.createDataFrame([[1, 2, "a"], [2, 3, "b"]], "id int, k int, w string").createOrReplaceTempView("t");
    spark.createDataFrame([[1, "a", 3], [3, "a", 4]], "k int, w string, v int").createOrReplaceTempView("u");
    return spark;
  };

  it("Spark's analysis errors for correlated subqueries: not aggregated, aggregating outer columns", () => {
    const spark = session();
    expect(() => spark.sql("SELECT id, (SELECT v FROM u WHERE u.k > t.k) FROM t"))
      .toThrow(/UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.MUST_AGGREGATE_CORRELATED_SCALAR_SUBQUERY/);
    expect(() => spark.sql("SELECT id FROM t WHERE k < (SELECT sum(d) FROM (SELECT sum(t.k) AS d FROM u))"))
      .toThrow(/UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_REFERENCE/);
    // Outer references inside a set operation: refused for IN / EXISTS, evaluated for scalar subqueries.
    for (const q of ["SELECT id FROM t WHERE k IN (SELECT k FROM u WHERE u.w = t.w UNION ALL SELECT k FROM u)",
      "SELECT id FROM t WHERE EXISTS (SELECT k FROM u WHERE u.w = t.w INTERSECT SELECT k FROM u)",
      "SELECT id FROM t WHERE k = 1 OR k IN (SELECT k FROM u EXCEPT SELECT k FROM u WHERE u.w = t.w)"]) {
      expect(() => spark.sql(q), q).toThrow(/ACCESSING_OUTER_QUERY_COLUMN_IS_NOT_ALLOWED/);
    }
    expect(() => spark.sql("SELECT id, (SELECT sum(v) FROM (SELECT v FROM u WHERE u.k = t.k UNION ALL SELECT v FROM u)) AS s FROM t")).not.toThrow();
  });

  it("a correlated scalar subquery returning two rows for a binding fails the query like Spark", async () => {
    const spark = session();
    await expect(spark.sql("SELECT id, (SELECT v FROM u WHERE u.k >= t.k LIMIT 1) AS v FROM t").collect()).resolves.toHaveLength(2);
    await expect(spark.sql("SELECT id, (SELECT max(v) FROM u WHERE u.k <= t.k GROUP BY u.w, u.k HAVING t.k > 0) AS v FROM t").collect())
      .rejects.toThrow(/NON_CORRELATED_COLUMNS_IN_GROUP_BY|More than one row/);
  });

  it("too many distinct outer bindings for per-binding evaluation: a clear error naming the columns", async () => {
    const spark = new SqlSession(localHost());
    spark.range(0, 2500).createOrReplaceTempView("big");
    spark.createDataFrame([[1]], "v bigint").createOrReplaceTempView("one");
    await expect(spark.sql("SELECT id FROM big WHERE id > (SELECT min(v) FROM one WHERE one.v < big.id)").collect())
      .rejects.toThrow(/CORRELATED_SUBQUERY_TOO_MANY_BINDINGS[\s\S]*\(id\)[\s\S]*2500 distinct values/);
  });
});
