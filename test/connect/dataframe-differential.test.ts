// Real Spark as the reference for the DataFrame API: each program below builds a DataFrame with
// the workbench's API (PySpark's names) twice, once on the embedded engine and once on a remote
// session on Spark 4.0.1 through Spark Connect, where the same analyzed plan goes to the server as
// a Relation. Column names, Spark's types (the remote side's dtypes are the server's analysis) and
// rows must agree; the few known differences are listed with their reason.

import { describe, expect, it } from "vitest";
import { SqlSession, F, Window } from "../../engine/sql/index";
import { localHost } from "../sql/support/local-context";
import { outcome, referenceServer } from "./differential";
import { PROGRAMS, type Api } from "./dataframe-programs";

/** Programs whose result differs on purpose, with the reason (also in docs/spark-differences.md). */
const KNOWN: Record<string, string> = {};

const ref = referenceServer();
const noJava = ref.noJava;

describe.skipIf(!!noJava)("the DataFrame API on the embedded engine and on Spark 4.0.1", () => {
  const local = new SqlSession(localHost());
  const differing: string[] = [];
  it.each(Object.keys(PROGRAMS))("%s", async (name) => {
    const p = PROGRAMS[name]!;
    const a = await outcome(() => p.build(local as unknown as Api, F, Window), p.ordered ?? false);
    const b = await outcome(() => p.build(ref.session() as unknown as Api, F, Window), p.ordered ?? false);
    if (a !== b) differing.push(name);
    if (KNOWN[name]) return;
    expect(a.startsWith("ERROR") && !p.error ? a : "").toBe("");
    expect(b, `embedded:\n${a}`).toBe(a);
  }, 120_000);

  it("the known differences are still differences", () => {
    expect(differing.filter((k) => KNOWN[k]).sort()).toEqual(Object.keys(KNOWN).sort());
  });
});
