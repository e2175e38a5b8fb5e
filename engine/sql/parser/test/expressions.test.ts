// Expression ASTs and Spark's operator precedence, written out by hand as S-expressions.

import { describe, expect, it } from "vitest";
import { pe } from "./helpers";

describe("operator precedence (Spark's levels)", () => {
  const cases: [string, string][] = [
    ["a + b * c", "(+ a (* b c))"],
    ["a * b + c", "(+ (* a b) c)"],
    ["a - b - c", "(- (- a b) c)"],
    ["a / b * c", "(* (/ a b) c)"],
    ["a % b div c", "(div (% a b) c)"],
    ["a || b + c", "(+ (|| a b) c)"],
    ["a + b || c", "(|| (+ a b) c)"],
    ["-a * b", "(* (- a) b)"],
    ["- a.b", "(- a.b)"],
    ["~a & b", "(& (~ a) b)"],
    ["a & b ^ c | d", "(| (^ (& a b) c) d)"],
    ["a | b = c", "(= (| a b) c)"],
    ["a + 1 = b * 2", "(= (+ a 1) (* b 2))"],
    ["a = b = c", "(= (= a b) c)"],
    ["a == b", "(= a b)"],
    ["a != b", "(<> a b)"],
    ["a <> b", "(<> a b)"],
    ["a <=> b", "(<=> a b)"],
    ["a < b AND c >= d", "(and (< a b) (>= c d))"],
    ["a OR b AND c", "(or a (and b c))"],
    ["a AND b OR c", "(or (and a b) c)"],
    ["NOT a AND b", "(and (not a) b)"],
    ["NOT a = b", "(not (= a b))"],
    ["! a", "(not a)"],
    ["NOT NOT a", "(not (not a))"],
    ["a = 1 OR NOT b IS NULL", "(or (= a 1) (not (isnull b)))"],
    ["a + 1 BETWEEN 1 AND 3 AND c", "(and (between (+ a 1) 1 3) c)"],
    ["a NOT BETWEEN b AND c OR d", "(or (notbetween a b c) d)"],
    ["a = b IN (1, 2)", "(in (= a b) (1 2))"],
    ["a + b LIKE 'x%'", "(like (+ a b) 'x%')"],
    ["(a OR b) AND c", "(and (or a b) c)"],
    ["a * (b + c)", "(* a (+ b c))"],
    ["a::int + 1", "(+ (cast a int) 1)"],
    ["-a::int", "(- (cast a int))"],
    ["a[0] + b.c[1]", "(+ (at a 0) (at b.c 1))"],
    ["2 - -3", "(- 2 -3)"],
    ["a - 1", "(- a 1)"],
    ["a-1", "(- a 1)"],
    ["a*-1", "(* a -1)"],
  ];
  it.each(cases)("%s", (text, expected) => {
    expect(pe(text)).toBe(expected);
  });
});

describe("column references and access", () => {
  it.each([
    ["a", "a"],
    ["t.a", "t.a"],
    ["db.t.a.b", "db.t.a.b"],
    ["`weird col`", "`weird col`"],
    ["`a``b`.c", "`a``b`.c"],
    ["t.*", "t.*"],
    ["*", "*"],
    ["a[0]", "(at a 0)"],
    ["m['k']", "(at m 'k')"],
    ["a[0].b", "(field (at a 0) b)"],
    ["f(x).y", "(field (call f x) y)"],
    ["(a).b", "a.b"], // Spark merges a dereference of a plain name into the name
    ["a.from", "a.from"],
    ["date", "date"],
    ["year", "year"],
    ["`select`", "select"],
  ])("%s", (text, expected) => {
    expect(pe(text)).toBe(expected);
  });
});

describe("predicates", () => {
  it.each([
    ["a IS NULL", "(isnull a)"],
    ["a IS NOT NULL", "(isnotnull a)"],
    ["a IS TRUE", "(is a true)"],
    ["a IS NOT FALSE", "(isnot a false)"],
    ["a IS UNKNOWN", "(is a unknown)"],
    ["a IS DISTINCT FROM b", "(not (<=> a b))"],
    ["a IS NOT DISTINCT FROM b", "(<=> a b)"],
    ["a BETWEEN 1 AND 2", "(between a 1 2)"],
    ["a NOT BETWEEN 1 AND 2", "(notbetween a 1 2)"],
    ["a IN (1, 2, 3)", "(in a (1 2 3))"],
    ["a NOT IN ('x')", "(notin a ('x'))"],
    ["a IN (SELECT b FROM t)", "(in a (select (b) (from (table t))))"],
    ["(a, b) IN (SELECT x, y FROM t)", "(in (row a b) (select (x y) (from (table t))))"],
    ["a NOT IN (SELECT b FROM t)", "(notin a (select (b) (from (table t))))"],
    ["EXISTS (SELECT 1 FROM t WHERE t.x = y)", "(exists (select (1) (from (table t)) (where (= t.x y))))"],
    ["NOT EXISTS (SELECT 1)", "(not (exists (select (1))))"],
    ["a LIKE 'a%'", "(like a 'a%')"],
    ["a NOT LIKE 'a%'", "(notlike a 'a%')"],
    ["a ILIKE 'A%'", "(ilike a 'A%')"],
    ["a RLIKE '^x+$'", "(rlike a '^x+$')"],
    ["a REGEXP 'x'", "(rlike a 'x')"],
    ["a NOT RLIKE 'x'", "(notrlike a 'x')"],
    ["a LIKE 'a!%' ESCAPE '!'", "(like a 'a!%' (escape '!'))"],
  ])("%s", (text, expected) => {
    expect(pe(text)).toBe(expected);
  });
});

describe("CASE, CAST, functions, windows, lambdas", () => {
  it.each([
    ["CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END",
      "(case (when (> a 1) 'x') (when (> a 0) 'y') (else 'z'))"],
    ["CASE a WHEN 1 THEN 'one' END", "(case a (when 1 'one'))"],
    ["CAST(a AS int)", "(cast a int)"],
    ["cast(a as decimal(10, 2))", "(cast a decimal(10,2))"],
    ["TRY_CAST(a AS bigint)", "(try_cast a bigint)"],
    ["a::array<string>", "(cast a array<string>)"],
    ["f()", "(call f)"],
    ["f(a, b + 1)", "(call f a (+ b 1))"],
    ["db.f(a)", "(call db.f a)"],
    ["count(*)", "(call count *)"],
    ["count(DISTINCT a, b)", "(call count distinct a b)"],
    ["COUNT(ALL a)", "(call COUNT a)"],
    ["sum(x) FILTER (WHERE x > 0)", "(call sum x (filter (> x 0)))"],
    ["first(x) IGNORE NULLS", "(call first x ignore_nulls)"],
    ["first(x IGNORE NULLS)", "(call first x ignore_nulls)"],
    ["left(s, 2)", "(call left s 2)"],
    ["right(s, 2)", "(call right s 2)"],
    ["window(ts, '10 minutes').start", "(field (call window ts '10 minutes') start)"],
    ["like(a, 'x%')", "(call like a 'x%')"],
    ["rlike(a, 'x')", "(call rlike a 'x')"],
    ["if(a, 1, 2)", "(call if a 1 2)"],
    ["struct(a, b)", "(call struct a b)"],
    ["struct(*)", "(call struct *)"],
    ["array(1, 2)[0]", "(at (call array 1 2) 0)"],
    ["map('a', 1)", "(call map 'a' 1)"],
    ["current_date", "(call current_date)"],
    ["CURRENT_TIMESTAMP()", "(call CURRENT_TIMESTAMP)"],
    ["EXTRACT(YEAR FROM d)", "(call extract 'YEAR' d)"],
    ["POSITION('a' IN s)", "(call POSITION 'a' s)"],
    ["SUBSTRING(s FROM 2 FOR 3)", "(call SUBSTRING s 2 3)"],
    ["substring(s, 2, 3)", "(call substring s 2 3)"],
    ["TRIM(s)", "(call TRIM s)"],
    ["TRIM(BOTH 'x' FROM s)", "(call trim s 'x')"],
    ["TRIM(LEADING FROM s)", "(call ltrim s)"],
    ["trim(TRAILING 'x' FROM s)", "(call rtrim s 'x')"],
    ["rank() OVER (PARTITION BY a, b ORDER BY c DESC)", "(call rank (over (partition a b) (order (desc c))))"],
    ["row_number() OVER (ORDER BY c NULLS LAST)", "(call row_number (over (order (asc c nulls_last))))"],
    ["sum(x) OVER w", "(call sum x (over w))"],
    ["sum(x) OVER (w)", "(call sum x (over w))"],
    ["sum(x) OVER ()", "(call sum x (over))"],
    ["sum(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING)",
      "(call sum x (over (order (asc t)) (rows (preceding 2) (following 1))))"],
    ["sum(x) OVER (ORDER BY t RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)",
      "(call sum x (over (order (asc t)) (range current_row unbounded_following)))"],
    ["sum(x) OVER (ORDER BY t ROWS UNBOUNDED PRECEDING)",
      "(call sum x (over (order (asc t)) (rows unbounded_preceding current_row)))"],
    ["avg(x) OVER (PARTITION BY k ORDER BY t RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW)",
      "(call avg x (over (partition k) (order (asc t)) (range (preceding (interval '1' DAY)) current_row)))"],
    ["transform(xs, x -> x + 1)", "(call transform xs (lambda (x) (+ x 1)))"],
    ["aggregate(xs, 0, (acc, x) -> acc + x)", "(call aggregate xs 0 (lambda (acc x) (+ acc x)))"],
    ["filter(xs, x -> x > 0)", "(call filter xs (lambda (x) (> x 0)))"],
    ["(SELECT max(x) FROM t) + 1", "(+ (subquery (select ((call max x)) (from (table t)))) 1)"],
    ["((SELECT 1) + 1)", "(+ (subquery (select (1))) 1)"],
    ["(a, b)", "(row a b)"],
    ["struct(a AS x, b, c + 1 AS `y z`)", "(call struct (as a x) b (as (+ c 1) `y z`))"],
    ["OVERLAY(s PLACING 'ab' FROM 2 FOR 3)", "(call OVERLAY s 'ab' 2 3)"],
    ["timestampadd(HOUR, 1, ts)", "(call timestampadd 'HOUR' 1 ts)"],
    ["DATEDIFF(day, a, b)", "(call DATEDIFF 'DAY' a b)"],
    ["datediff(a, b)", "(call datediff a b)"],
    ["date_add(d, 1)", "(call date_add d 1)"],
  ])("%s", (text, expected) => {
    expect(pe(text)).toBe(expected);
  });
});
