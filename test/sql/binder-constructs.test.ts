// SQL constructs the parser accepts must either run with Spark's semantics (PIVOT, TABLESAMPLE)
// or fail with a typed error naming Spark's condition and the place in the text (named function
// arguments, time travel) - never be silently ignored. Expected rows come from plain arrays.
import { describe, it, expect } from "vitest";
import { SqlSession } from "../../engine/sql/index";
import { AnalysisError } from "../../engine/common/errors";
import { localHost } from "./support/local-context";

const rows: [string, string, number | null][] = [
  ["2024", "a", 1], ["2024", "b", 2], ["2024", "a", 3], ["2025", "a", 4], ["2025", "c", 5], ["2025", "b", null], ["2026", "b", 7],
];
function session() {
  const s = new SqlSession(localHost());
  s.createDataFrame(rows, "yr string, k string, v int").createOrReplaceTempView("t");
  s.range(0, 1000, 1, 4).createOrReplaceTempView("big");
  return s;
}
function thrown(f: () => unknown): AnalysisError {
  try { f(); } catch (e) { return e as AnalysisError; }
  throw new Error("expected an error");
}

describe("PIVOT", () => {
  it("one aggregate: a column per value (alias or value text), grouped by the other columns", async () => {
    const got = await session().sql("SELECT * FROM t PIVOT (sum(v) FOR k IN ('a' AS ka, 'b', 'z')) ORDER BY yr").collect();
    const years = [...new Set(rows.map((r) => r[0]))].sort();
    const sum = (y: string, k: string) => {
      const vs = rows.filter((r) => r[0] === y && r[1] === k && r[2] !== null).map((r) => r[2] as number);
      return vs.length ? vs.reduce((a, b) => a + b, 0) : null;
    };
    expect(got).toEqual(years.map((y) => ({ yr: y, ka: sum(y, "a"), b: sum(y, "b"), z: null })));
  });
  it("several aggregates: value_alias names; count(*) per value; WHERE applies after the pivot", async () => {
    const s = session();
    const df = s.sql("SELECT * FROM t PIVOT (count(*) AS n, max(v) AS m FOR k IN ('a', 'b')) WHERE yr <> '2026' ORDER BY yr");
    expect(df.columns).toEqual(["yr", "a_n", "a_m", "b_n", "b_m"]);
    expect(await df.collect()).toEqual([
      { yr: "2024", a_n: 2, a_m: 3, b_n: 1, b_m: 2 },
      { yr: "2025", a_n: 1, a_m: 4, b_n: 1, b_m: null },
    ]);
  });
  it("a non-aggregate in PIVOT is an error", () => {
    expect(thrown(() => session().sql("SELECT * FROM t PIVOT (v FOR k IN ('a'))")).condition).toBe("NON_AGGREGATE_IN_PIVOT");
  });
});

describe("TABLESAMPLE", () => {
  it("n ROWS keeps n rows; 0 and 100 PERCENT; BUCKET x OUT OF y; REPEATABLE is deterministic", async () => {
    const s = session();
    expect(await s.sql("SELECT * FROM big TABLESAMPLE (7 ROWS)").count()).toBe(7);
    expect(await s.sql("SELECT * FROM big TABLESAMPLE (100 PERCENT)").count()).toBe(1000);
    expect(await s.sql("SELECT * FROM big TABLESAMPLE (0 PERCENT)").count()).toBe(0);
    const half = await s.sql("SELECT id FROM big TABLESAMPLE (50 PERCENT) REPEATABLE (7)").collect();
    expect(half.length).toBeGreaterThan(350);
    expect(half.length).toBeLessThan(650);
    expect(await s.sql("SELECT id FROM big TABLESAMPLE (50 PERCENT) REPEATABLE (7)").collect()).toEqual(half);
    const quarter = await s.sql("SELECT * FROM big TABLESAMPLE (BUCKET 1 OUT OF 4) REPEATABLE (1)").count();
    expect(quarter).toBeGreaterThan(150);
    expect(quarter).toBeLessThan(350);
    expect(thrown(() => s.sql("SELECT * FROM big TABLESAMPLE (150 PERCENT)")).condition).toMatch(/^INVALID_SAMPLING_/);
  });
});

describe("typed errors with position", () => {
  it("named function arguments: NAMED_PARAMETERS_NOT_SUPPORTED at the argument", () => {
    const e = thrown(() => session().sql("SELECT k,\n  mask(k, upperChar => 'X') AS m FROM t"));
    expect(e).toBeInstanceOf(AnalysisError);
    expect(e.condition).toBe("NAMED_PARAMETERS_NOT_SUPPORTED");
    expect(e.message).toContain("`mask`");
    expect(e.context.line).toBe(2);
    expect(e.context.column).toBe(11);
    expect(e.context.snippet).toContain("^");
  });
  it("time travel: UNSUPPORTED_FEATURE.TIME_TRAVEL naming the relation and its place", () => {
    const e = thrown(() => session().sql("SELECT *\nFROM t VERSION AS OF 3"));
    expect(e.condition).toBe("UNSUPPORTED_FEATURE.TIME_TRAVEL");
    expect(e.message).toContain("`t`");
    expect(e.context.line).toBe(2);
    const e2 = thrown(() => session().sql("SELECT * FROM t TIMESTAMP AS OF '2024-01-01'"));
    expect(e2.condition).toBe("UNSUPPORTED_FEATURE.TIME_TRAVEL");
  });
});
