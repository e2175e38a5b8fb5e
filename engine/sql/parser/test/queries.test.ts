// Query ASTs: SELECT blocks, FROM relations and joins, grouping, set operations, CTEs, tails.

import { describe, expect, it } from "vitest";
import { parseStatement } from "../index";
import type { Query, Select } from "../index";
import { ps } from "./helpers";

describe("SELECT", () => {
  it.each([
    ["SELECT 1", "(select (1))"],
    ["select a, b from t", "(select (a b) (from (table t)))"],
    ["SELECT DISTINCT a FROM t", "(select distinct (a) (from (table t)))"],
    ["SELECT ALL a FROM t", "(select (a) (from (table t)))"],
    ["SELECT a AS x, b y, c AS `z z` FROM t", "(select ((as a x) (as b y) (as c `z z`)) (from (table t)))"],
    ["SELECT explode(m) AS (k, v) FROM t", "(select ((as (call explode m) (k v))) (from (table t)))"],
    ["SELECT t.*, u.a FROM t, u", "(select (t.* u.a) (from (join inner (table t) (table u))))"],
    ["SELECT * FROM db.t AS x WHERE x.a > 1", "(select (*) (from (table db.t as x)) (where (> x.a 1)))"],
    ["SELECT a FROM t GROUP BY a HAVING count(*) > 1",
      "(select (a) (from (table t)) (group_by a) (having (> (call count *) 1)))"],
    ["SELECT a, sum(b) FROM t GROUP BY 1", "(select (a (call sum b)) (from (table t)) (group_by 1))"],
    ["SELECT a, sum(b) FROM t GROUP BY ALL", "(select (a (call sum b)) (from (table t)) (group_by all))"],
    ["SELECT a, b FROM t GROUP BY ROLLUP(a, b)", "(select (a b) (from (table t)) (group_by (rollup (a) (b))))"],
    ["SELECT a, b FROM t GROUP BY CUBE(a, (a, b))", "(select (a b) (from (table t)) (group_by (cube (a) (a b))))"],
    ["SELECT a, b FROM t GROUP BY GROUPING SETS ((a, b), a, ())",
      "(select (a b) (from (table t)) (group_by (grouping_sets (a b) (a) ())))"],
    ["SELECT a, b FROM t GROUP BY a, b WITH ROLLUP", "(select (a b) (from (table t)) (group_by (rollup (a) (b))))"],
    ["SELECT /*+ BROADCAST(u) */ * FROM t JOIN u ON t.k = u.k",
      "(select (hints (BROADCAST u)) (*) (from (join inner (table t) (table u) (on (= t.k u.k)))))"],
    ["SELECT /*+ REPARTITION(4), COALESCE(2) */ a FROM t", "(select (hints (REPARTITION 4) (COALESCE 2)) (a) (from (table t)))"],
    // window is not reserved in Spark: a windowed aggregation's column is read as window.start
    ["SELECT window.start, n FROM counts ORDER BY window", "(query (select (window.start n) (from (table counts))) (order_by (asc window)))"],
    ["SELECT sum(x) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY ts)",
      "(select ((call sum x (over w))) (from (table t)) (windows (w (over (partition k) (order (asc ts))))))"],
    ["SELECT x FROM t LATERAL VIEW explode(xs) e AS x",
      "(select (x) (from (table t)) (lateral_view (call explode xs) e (x)))"],
    ["SELECT k, v FROM t LATERAL VIEW OUTER explode(m) e AS k, v",
      "(select (k v) (from (table t)) (lateral_view outer (call explode m) e (k v)))"],
  ])("%s", (text, expected) => {
    expect(ps(text)).toBe(expected);
  });
});

describe("FROM relations", () => {
  it.each([
    ["SELECT * FROM range(10)", "(select (*) (from (tvf range 10)))"],
    ["SELECT * FROM range(0, 10, 2) AS r(id)", "(select (*) (from (tvf range 0 10 2 as r (id))))"],
    ["SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(x, y)",
      "(select (*) (from (values (1 'a') (2 'b') as t (x y))))"],
    ["SELECT * FROM VALUES 1, 2 t(x)", "(select (*) (from (values (1) (2) as t (x))))"],
    ["SELECT * FROM (SELECT a FROM t) s", "(select (*) (from (subquery (select (a) (from (table t))) as s)))"],
    ["SELECT * FROM (SELECT a FROM t) AS s(b)", "(select (*) (from (subquery (select (a) (from (table t))) as s (b))))"],
    ["SELECT * FROM (SELECT 1)", "(select (*) (from (subquery (select (1)))))"],
    ["SELECT * FROM parquet.`/data/x.parquet`", "(select (*) (from (file parquet '/data/x.parquet')))"],
    ["SELECT * FROM csv.`people.csv` p", "(select (*) (from (file csv 'people.csv' as p)))"],
    ["SELECT * FROM JSON.`/d/*.json`", "(select (*) (from (file json '/d/*.json')))"],
    ["SELECT * FROM parquet.t", "(select (*) (from (table parquet.t)))"],
    ["SELECT * FROM `my table`", "(select (*) (from (table `my table`)))"],
    ["SELECT * FROM t VERSION AS OF 3", "(select (*) (from (table t (version_as_of 3))))"],
    ["SELECT * FROM delta.`/tmp/d` TIMESTAMP AS OF '2024-01-01' AS d",
      "(select (*) (from (file delta '/tmp/d' (timestamp_as_of '2024-01-01') as d)))"],
    ["SELECT * FROM t FOR SYSTEM_TIME AS OF current_timestamp() - INTERVAL 1 DAY x",
      "(select (*) (from (table t (timestamp_as_of (- (call current_timestamp) (interval '1' DAY))) as x)))"],
    ["SELECT * FROM version", "(select (*) (from (table version)))"],
    ["SELECT * FROM (SELECT y, c, e FROM t) PIVOT (sum(e) AS s FOR c IN ('dotNET' AS net, 'Java'))",
      "(select (*) (from (subquery (select (y c e) (from (table t))))) (pivot ((as (call sum e) s)) (for c) (in (as 'dotNET' net) 'Java')))"],
    ["SELECT * FROM t PIVOT (count(*) FOR (a, b) IN ((1, 'x') ab, (2, 'y')))",
      "(select (*) (from (table t)) (pivot ((call count *)) (for a b) (in (as (row 1 'x') ab) (row 2 'y'))))"],
    ["SELECT * FROM t TABLESAMPLE (10 PERCENT)", "(select (*) (from (table t (sample_percent 10))))"],
    ["SELECT * FROM t TABLESAMPLE (0.5 PERCENT) REPEATABLE (42) s",
      "(select (*) (from (table t (sample_percent 0.5 (repeatable 42)) as s)))"],
    ["SELECT * FROM t TABLESAMPLE (5 ROWS)", "(select (*) (from (table t (sample_rows 5))))"],
    ["SELECT * FROM t TABLESAMPLE (BUCKET 3 OUT OF 32) AS x", "(select (*) (from (table t (sample_bucket 3 32) as x)))"],
    ["SELECT * FROM a JOIN b ON a.k = b.k", "(select (*) (from (join inner (table a) (table b) (on (= a.k b.k)))))"],
    ["SELECT * FROM a INNER JOIN b USING (k, j)", "(select (*) (from (join inner (table a) (table b) (using k j))))"],
    ["SELECT * FROM a LEFT JOIN b ON x", "(select (*) (from (join left (table a) (table b) (on x))))"],
    ["SELECT * FROM a LEFT OUTER JOIN b ON x", "(select (*) (from (join left (table a) (table b) (on x))))"],
    ["SELECT * FROM a RIGHT OUTER JOIN b ON x", "(select (*) (from (join right (table a) (table b) (on x))))"],
    ["SELECT * FROM a FULL JOIN b ON x", "(select (*) (from (join full (table a) (table b) (on x))))"],
    ["SELECT * FROM a FULL OUTER JOIN b ON x", "(select (*) (from (join full (table a) (table b) (on x))))"],
    ["SELECT * FROM a LEFT SEMI JOIN b ON x", "(select (*) (from (join leftSemi (table a) (table b) (on x))))"],
    ["SELECT * FROM a LEFT ANTI JOIN b ON x", "(select (*) (from (join leftAnti (table a) (table b) (on x))))"],
    ["SELECT * FROM a SEMI JOIN b ON x", "(select (*) (from (join leftSemi (table a) (table b) (on x))))"],
    ["SELECT * FROM a CROSS JOIN b", "(select (*) (from (join cross (table a) (table b))))"],
    ["SELECT * FROM a NATURAL JOIN b", "(select (*) (from (join natural_inner (table a) (table b))))"],
    ["SELECT * FROM a NATURAL LEFT JOIN b", "(select (*) (from (join natural_left (table a) (table b))))"],
    ["SELECT * FROM a, b, c", "(select (*) (from (join inner (join inner (table a) (table b)) (table c))))"],
    ["SELECT * FROM a JOIN b ON p JOIN c ON q",
      "(select (*) (from (join inner (join inner (table a) (table b) (on p)) (table c) (on q))))"],
    ["SELECT * FROM a, b JOIN c ON q",
      "(select (*) (from (join inner (table a) (join inner (table b) (table c) (on q)))))"],
    ["SELECT * FROM (a JOIN b ON p) JOIN c ON q",
      "(select (*) (from (join inner (join inner (table a) (table b) (on p)) (table c) (on q))))"],
    ["SELECT * FROM a x JOIN (SELECT * FROM b) y ON x.k = y.k",
      "(select (*) (from (join inner (table a as x) (subquery (select (*) (from (table b))) as y) (on (= x.k y.k)))))"],
  ])("%s", (text, expected) => {
    expect(ps(text)).toBe(expected);
  });
});

describe("set operations, CTEs and the query tail", () => {
  it.each([
    ["SELECT 1 UNION SELECT 2", "(union (select (1)) (select (2)))"],
    ["SELECT 1 UNION ALL SELECT 2", "(union_all (select (1)) (select (2)))"],
    ["SELECT 1 UNION DISTINCT SELECT 2", "(union (select (1)) (select (2)))"],
    ["SELECT 1 EXCEPT SELECT 2", "(except (select (1)) (select (2)))"],
    ["SELECT 1 MINUS ALL SELECT 2", "(except_all (select (1)) (select (2)))"],
    ["SELECT 1 INTERSECT ALL SELECT 2", "(intersect_all (select (1)) (select (2)))"],
    // INTERSECT binds tighter than UNION / EXCEPT; UNION and EXCEPT associate left
    ["SELECT 1 UNION SELECT 2 INTERSECT SELECT 3", "(union (select (1)) (intersect (select (2)) (select (3))))"],
    ["SELECT 1 INTERSECT SELECT 2 UNION SELECT 3", "(union (intersect (select (1)) (select (2))) (select (3)))"],
    ["SELECT 1 UNION SELECT 2 EXCEPT SELECT 3", "(except (union (select (1)) (select (2))) (select (3)))"],
    ["SELECT 1 UNION (SELECT 2 EXCEPT SELECT 3)", "(union (select (1)) (except (select (2)) (select (3))))"],
    ["(SELECT 1) UNION ALL (SELECT 2)", "(union_all (select (1)) (select (2)))"],
    ["SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT 5",
      "(query (union (select (a) (from (table t))) (select (b) (from (table u)))) (order_by (asc 1)) (limit 5))"],
    ["SELECT a FROM t ORDER BY a DESC NULLS FIRST, b LIMIT 10 OFFSET 20",
      "(query (select (a) (from (table t))) (order_by (desc a nulls_first) (asc b)) (limit 10) (offset 20))"],
    ["SELECT a FROM t LIMIT ALL", "(select (a) (from (table t)))"],
    ["SELECT a FROM t DISTRIBUTE BY a SORT BY a",
      "(query (select (a) (from (table t))) (distribute_by a) (sort_by (asc a)))"],
    ["SELECT a FROM t CLUSTER BY a", "(query (select (a) (from (table t))) (cluster_by a))"],
    ["WITH a AS (SELECT 1 AS x) SELECT x FROM a",
      "(query (with (a (select ((as 1 x))))) (select (x) (from (table a))))"],
    ["WITH a(x) AS (SELECT 1), b AS (SELECT x FROM a) SELECT * FROM b",
      "(query (with (a (x) (select (1))) (b (select (x) (from (table a))))) (select (*) (from (table b))))"],
    ["WITH a AS (SELECT 1) (SELECT * FROM a)", "(query (with (a (select (1)))) (select (*) (from (table a))))"],
    ["VALUES (1, 'a'), (2, 'b')", "(values (1 'a') (2 'b'))"],
    ["TABLE t", "(table t)"],
    ["SELECT * FROM t WHERE a IN (SELECT a FROM u UNION SELECT 1)",
      "(select (*) (from (table t)) (where (in a (union (select (a) (from (table u))) (select (1))))))"],
  ])("%s", (text, expected) => {
    expect(ps(text)).toBe(expected);
  });

  it("records positions of nested nodes", () => {
    const q = parseStatement("SELECT a,\n  b + 1 AS c\nFROM t") as Query;
    const sel = q.body as Select;
    expect(q.pos).toEqual({ line: 1, column: 1, offset: 0 });
    expect(sel.items[1]!.pos).toEqual({ line: 2, column: 3, offset: 12 });
    const plus = sel.items[1]!.expr;
    expect(plus.kind === "binary" && plus.right.pos).toEqual({ line: 2, column: 7, offset: 16 });
    expect(sel.from!.pos).toEqual({ line: 3, column: 6, offset: 28 });
  });
});
