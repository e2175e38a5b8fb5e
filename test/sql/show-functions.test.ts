// SHOW FUNCTIONS lists the registry through its own API (it used to read it through a cast and
// return no rows), sorted, with Spark's LIKE patterns ('*' wildcards, '|' alternatives).
import { describe, expect, it } from "vitest";
import { SqlSession } from "../../engine/sql/index";
import { functionNames } from "../../engine/sql/expressions/registry";
import { localHost } from "./support/local-context";

describe("SHOW FUNCTIONS", () => {
  const s = new SqlSession(localHost());
  const names = async (q: string) => (await s.sql(q).collect()).map((r) => (r as { function: string }).function);

  it("lists every registered function, sorted", async () => {
    const all = await names("SHOW FUNCTIONS");
    expect(all.length).toBe(functionNames().length);
    expect(all.length).toBeGreaterThan(200);
    expect(all).toEqual([...all].sort());
    for (const f of ["abs", "count", "lpad", "sum", "row_number", "named_struct"]) expect(all).toContain(f);
  });

  it("filters with LIKE patterns", async () => {
    expect(await names("SHOW FUNCTIONS LIKE 'array_r*'")).toEqual(["array_remove", "array_repeat"].filter((n) => functionNames().includes(n)));
    expect(await names("SHOW FUNCTIONS LIKE 'lpad|rpad'")).toEqual(["lpad", "rpad"]);
    expect(await names("SHOW FUNCTIONS LIKE 'no_such_fn*'")).toEqual([]);
  });
});
