// Real Spark as the reference for the DataFrame API: each program below builds a DataFrame with
// the workbench's API (PySpark's names) twice, once on the embedded engine and once on a remote
// session on Spark 4.0.1 through Spark Connect, where the same analyzed plan goes to the server as
// a Relation. Column names, Spark's types (the remote side's dtypes are the server's analysis) and
// rows must agree; the few known differences are listed with their reason.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqlSession, F, Window, type DataFrame } from "../../engine/sql/index";
import { RemoteSparkSession } from "../../engine/connect/index";
import { localHost } from "../sql/support/local-context";
import { resultText } from "./normalize";
import { javaMissing, startConnectServer, type ConnectServer } from "./connect-server";
import { PROGRAMS, type Api } from "./dataframe-programs";

/** Programs whose result differs on purpose, with the reason (also in docs/spark-differences.md). */
const KNOWN: Record<string, string> = {};

const noJava = javaMissing();
let server: ConnectServer | undefined;
let remote: RemoteSparkSession | undefined;
beforeAll(async () => {
  if (noJava) return;
  server = await startConnectServer({ "spark.sql.ansi.enabled": "false", "spark.sql.session.timeZone": "UTC" });
  remote = RemoteSparkSession.connect(server.url);
}, 240_000);
afterAll(async () => {
  await remote?.stop().catch(() => undefined);
  await server?.stop();
});

async function outcome(build: () => DataFrame, ordered: boolean): Promise<string> {
  try {
    const df = build();
    const rows = await df.collectInternal();
    return [df.dtypes.map(([n, t]) => `${n}:${t}`).join(","), resultText(df.columns, rows, ordered)].join("\n");
  } catch (e) {
    // Errors agree by condition (Spark's messages add SQLSTATE and context).
    return `ERROR ${(e as { condition?: string }).condition ?? `${(e as Error).name}: ${(e as Error).message.split("\n")[0]}`}`;
  }
}

describe.skipIf(!!noJava)("the DataFrame API on the embedded engine and on Spark 4.0.1", () => {
  const local = new SqlSession(localHost());
  const differing: string[] = [];
  it.each(Object.keys(PROGRAMS))("%s", async (name) => {
    const p = PROGRAMS[name]!;
    const a = await outcome(() => p.build(local as unknown as Api, F, Window), p.ordered ?? false);
    const b = await outcome(() => p.build(remote as unknown as Api, F, Window), p.ordered ?? false);
    if (a !== b) differing.push(name);
    if (KNOWN[name]) return;
    expect(a.startsWith("ERROR") && !p.error ? a : "").toBe("");
    expect(b, `embedded:\n${a}`).toBe(a);
  }, 120_000);

  it("the known differences are still differences", () => {
    expect(differing.filter((k) => KNOWN[k]).sort()).toEqual(Object.keys(KNOWN).sort());
  });
});
