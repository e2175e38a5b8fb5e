// What a query can do to the driver: constant folding evaluates only cheap, bounded expressions
// (no regular expressions, no huge values built from a size argument) with the session's ANSI
// setting; functions that build values from a size check it and raise typed errors instead of
// letting V8 abort the process.
import { describe, expect, it } from "vitest";
import { SqlSession } from "../../engine/sql/index";
import { localHost } from "./support/local-context";

async function failure(p: Promise<unknown>): Promise<Error & { condition?: string }> {
  return p.then(() => { throw new Error("did not fail"); }, (e: Error) => e);
}

describe("driver safety of constant expressions", () => {
  const s = new SqlSession(localHost());

  it("huge lpad / sequence / array_repeat / repeat fail with typed errors (they used to abort the process)", async () => {
    const cases: Array<[string, string]> = [
      ["SELECT lpad('a', 2147483647, 'b')", "STRING_SIZE_LIMIT_EXCEEDED"],
      ["SELECT rpad('a', 2147483647)", "STRING_SIZE_LIMIT_EXCEEDED"],
      ["SELECT repeat('ab', 2000000000)", "STRING_SIZE_LIMIT_EXCEEDED"],
      ["SELECT size(sequence(1, 2000000000))", "COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER"],
      ["SELECT size(array_repeat(1, 2147483647))", "COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER"],
    ];
    for (const [q, condition] of cases) {
      const e = await failure(s.sql(q).collect());
      expect(e.message, q).toContain(`[${condition}]`);
    }
    const e = await failure(s.sql("SELECT sequence(1, 2000000000)").collect());
    expect(e.message).toContain("Can't create array with 2000000000 elements which exceeding the array size limit");
    expect(e.message).toContain("`sequence`");
  });

  it("does not fold large or regex expressions on the driver: they stay in the plan for tasks", () => {
    const plan = (q: string) => s.sql(q).explainString("extended").split("== Optimized Logical Plan ==")[1]!.split("== Physical Plan ==")[0]!;
    expect(plan("SELECT lpad('a', 2147483647, 'b') AS x")).toMatch(/lpad\(a, 2147483647, b\)/);
    expect(plan("SELECT size(sequence(1, 2000000000)) AS x")).toMatch(/size\(sequence\(1, 2000000000/);
    expect(plan("SELECT regexp_like('aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', '(a+)+$') AS x")).toMatch(/regexp_like|RLIKE/i);
    // Cheap constants are still folded.
    expect(plan("SELECT lpad('ab', 5, 'xy') AS x, size(sequence(1, 10)) AS n, 1 + 2 AS t")).toMatch(/xyxab AS x.*10 AS n.*3 AS t/s);
  });

  it("small pads, repeats and sequences keep Spark's results (code points, not UTF-16 units)", async () => {
    const rows = await s.sql("SELECT lpad('ab', 5, 'xy') AS a, rpad('é', 4, '→') AS b, lpad('hello', 3) AS c, lpad('😀', 3, '😃') AS d, repeat('ab', 3) AS e, sequence(5, 1, -2) AS f").collect();
    expect(rows.map((r) => ({ ...r }))).toEqual([{ a: "xyxab", b: "é→→→", c: "hel", d: "😃😃😀", e: "ababab", f: [5, 3, 1] }]);
  });

  it("folds constants with the session's ANSI mode: 1/0 raises DIVIDE_BY_ZERO with ANSI on, null with it off", async () => {
    const ansi = new SqlSession(localHost({ "spark.sql.ansi.enabled": "true" }));
    const e = await failure(ansi.sql("SELECT 1/0 AS x").collect());
    expect(e.message).toContain("[DIVIDE_BY_ZERO]");
    const plain = await s.sql("SELECT 1/0 AS x").collect();
    expect({ ...plain[0] }).toEqual({ x: null });
    // The same through the DataFrame API and explain: the optimized plan keeps the division with ANSI on.
    expect(ansi.sql("SELECT 1/0 AS x").explainString("extended")).toMatch(/Optimized Logical Plan ==\n.*\(1\.0 \/ 0\.0\)/);
  });
});
