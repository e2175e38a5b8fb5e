// Differential tests: the same SQL over the same random tables, here and in DuckDB (an
// independent engine); results must be the same multiset of rows. Queries stick to the common
// subset of both dialects (and avoid float aggregation order effects by rounding).
import { describe, it, beforeAll, afterAll } from "vitest";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { expectSameRows, loadBoth, rng } from "./support/duckdb-diff";

interface Tables { t: unknown[][]; u: unknown[][] }

function makeTables(seed: number): Tables {
  const r = rng(seed);
  const maybe = <T>(v: T, p = 0.15) => (r() < p ? null : v);
  const words = ["ant", "bee", "cat", "dog", "eel"];
  const t = Array.from({ length: 40 + Math.floor(r() * 40) }, (_, i) => [
    i, maybe(Math.floor(r() * 6)), maybe(words[Math.floor(r() * words.length)]!), maybe(Math.floor(r() * 1000) / 10),
  ]);
  const u = Array.from({ length: 10 + Math.floor(r() * 10) }, () => [maybe(Math.floor(r() * 8)), maybe(words[Math.floor(r() * words.length)]!), Math.floor(r() * 100)]);
  return { t, u };
}

const QUERIES = [
  // lateral column aliases: an earlier select item's alias, in plain and aggregate queries
  "SELECT id, x * 2 AS dbl, dbl + k AS tot, tot > 50 AS big FROM t",
  "SELECT k, max(x) AS mx, mx - min(x) AS spread, count(*) AS n, spread / n AS per FROM t GROUP BY k",
  "SELECT k, count(*) AS n, sum(x) AS s, min(w) AS mn, max(x) AS mx FROM t GROUP BY k",
  "SELECT w, count(DISTINCT k) AS dk, round(avg(x), 6) AS a FROM t GROUP BY w",
  "SELECT id, k, w FROM t WHERE k > 2 AND w IS NOT NULL",
  "SELECT id, x FROM t WHERE x BETWEEN 10 AND 50 OR w = 'cat'",
  "SELECT t.id, u.v FROM t JOIN u ON t.k = u.k",
  "SELECT t.id, u.v FROM t LEFT JOIN u ON t.k = u.k",
  "SELECT t.id, u.v FROM t RIGHT JOIN u ON t.k = u.k",
  "SELECT t.id, u.v, u.k FROM t FULL OUTER JOIN u ON t.k = u.k AND t.w = u.w",
  "SELECT id FROM t WHERE k IN (SELECT k FROM u)",
  "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k AND u.v > 50)",
  "SELECT id FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.w = t.w)",
  "SELECT k, w FROM t UNION SELECT k, w FROM u",
  "SELECT k FROM t INTERSECT SELECT k FROM u",
  "SELECT k FROM t EXCEPT SELECT k FROM u",
  "SELECT k, w, count(*) AS c FROM t GROUP BY k, w HAVING count(*) > 1",
  "SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY id) AS rn FROM t",
  "SELECT id, k, rank() OVER (PARTITION BY w ORDER BY k NULLS FIRST) AS r, dense_rank() OVER (PARTITION BY w ORDER BY k NULLS FIRST) AS dr FROM t",
  "SELECT id, sum(k) OVER (PARTITION BY w ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s FROM t",
  "SELECT id, sum(k) OVER (PARTITION BY w ORDER BY id) AS s, count(k) OVER (PARTITION BY w) AS c FROM t",
  "SELECT id, lag(k, 1) OVER (ORDER BY id) AS p, lead(k, 2) OVER (ORDER BY id) AS n FROM t",
  "SELECT DISTINCT w FROM t",
  "SELECT CASE WHEN x > 50 THEN 'hi' WHEN x > 20 THEN 'mid' ELSE 'lo' END AS b, count(*) AS c FROM t GROUP BY 1",
  "SELECT coalesce(w, 'none') AS w2, k * 2 + 1 AS e, upper(w) AS uw, length(w) AS lw FROM t",
  "SELECT a.id, b.id AS id2 FROM t a JOIN t b ON a.k = b.k AND a.id < b.id WHERE a.id < 20",
  "WITH g AS (SELECT k, sum(x) AS s FROM t GROUP BY k) SELECT k FROM g WHERE s > (SELECT avg(x) FROM t)",
  "SELECT k, sum(v) AS sv FROM (SELECT t.k, u.v FROM t JOIN u ON t.w = u.w) j GROUP BY k",
  "SELECT k, w, count(*) AS c, sum(x) AS s FROM t GROUP BY ROLLUP(k, w)",
  "SELECT k, w, count(*) AS c, max(id) AS m FROM t GROUP BY CUBE(k, w)",
  "SELECT k, count(*) AS c FROM t GROUP BY GROUPING SETS ((k), ())",
];

describe("differential vs DuckDB", () => {
  let con: DuckDBConnection;
  beforeAll(async () => { con = await (await DuckDBInstance.create(":memory:")).connect(); });
  afterAll(() => { con?.closeSync?.(); });

  const norm = (v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    if (typeof v === "bigint") return Number(v);
    if (typeof v === "number") return Math.round(v * 1e6) / 1e6;
    if (typeof v === "object" && v !== null && "toDouble" in (v as object)) return Math.round((v as { toDouble(): number }).toDouble() * 1e6) / 1e6;
    return v;
  };

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: ${QUERIES.length} queries give the same rows`, async () => {
      const { t, u } = makeTables(seed);
      const spark = await loadBoth(con, seed, [
        { name: "t", sparkSchema: "id int, k int, w string, x double", duckColumns: "id INTEGER, k INTEGER, w VARCHAR, x DOUBLE", rows: t },
        { name: "u", sparkSchema: "k int, w string, v int", duckColumns: "k INTEGER, w VARCHAR, v INTEGER", rows: u },
      ]);
      await expectSameRows(spark, con, QUERIES, norm);
    });
  }
});
