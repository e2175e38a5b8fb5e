// The Spark Connect client against a real Spark (4.0.1, from the pinned PySpark) on loopback:
// plans over gRPC, results as Arrow batches, the server's errors as the engine's typed errors,
// analysis (columns, explain), interrupt, and the RDD API refused as Spark refuses it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnalysisError, ParseError } from "../../engine/common/errors";
import { RemoteSparkSession, parseConnectionString } from "../../engine/connect/index";
import { javaMissing, startConnectServer, type ConnectServer } from "./connect-server";

const noJava = javaMissing();
if (noJava) console.log(`Spark Connect tests skipped: ${noJava}`);

let server: ConnectServer | undefined;
let spark: RemoteSparkSession;
beforeAll(async () => {
  if (noJava) return;
  server = await startConnectServer();
  spark = RemoteSparkSession.connect(server.url);
}, 240_000);
afterAll(async () => {
  await spark?.stop().catch(() => undefined);
  await server?.stop();
});

describe("connection strings", () => {
  it("parse Spark Connect's sc:// form and its parameters", () => {
    expect(parseConnectionString("sc://example.org")).toMatchObject({ host: "example.org", port: 15002, useSsl: false });
    expect(parseConnectionString("sc://h:443/;use_ssl=true;token=abc;user_id=ann")).toMatchObject({ host: "h", port: 443, useSsl: true, token: "abc", userId: "ann" });
    expect(() => parseConnectionString("http://h:1")).toThrow(/INVALID_CONNECT_URL.*must start with sc:\/\//);
    expect(() => parseConnectionString("sc://h/;colour=red")).toThrow(/unknown parameter "colour"/);
    expect(() => parseConnectionString("sc://h/;session_id=nope")).toThrow(/session_id must be a UUID/);
  });
});

describe.skipIf(!!noJava)("a remote session on real Spark", () => {
  it("runs SQL and returns typed rows decoded from Arrow", async () => {
    const rows = await spark.sql("SELECT 1 AS one, 'a' AS s, CAST(5 AS BIGINT) AS b, DATE'2024-01-02' AS d, CAST(NULL AS INT) AS n").collect();
    expect(rows).toEqual([{ one: 1, s: "a", b: 5, d: new Date("2024-01-02T00:00:00Z"), n: null }]);
    const agg = await spark.sql("SELECT id % 3 AS k, count(*) AS c FROM range(10) GROUP BY 1 ORDER BY 1").collect();
    expect(agg).toEqual([{ k: 0, c: 4 }, { k: 1, c: 3 }, { k: 2, c: 3 }]);
  });

  it("counts, names columns and explains through the server", async () => {
    expect(await spark.range(1000).count()).toBe(1000);
    expect(spark.sql("SELECT id, id * 2 AS twice FROM range(3)").columns).toEqual(["id", "twice"]);
    expect(spark.range(5).explainString()).toMatch(/== Physical Plan ==\n.*Range \(0, 5, step=1/);
  });

  it("raises the server's error conditions as the engine's typed errors", async () => {
    const caught = (f: () => unknown) => { try { f(); } catch (e) { return e; } return undefined; };
    // As PySpark's Connect client: spark.sql runs the statement at once, so analysis fails at the call.
    const e1 = caught(() => spark.sql("SELECT * FROM nope"));
    expect(e1).toBeInstanceOf(AnalysisError);
    expect((e1 as AnalysisError).condition).toBe("TABLE_OR_VIEW_NOT_FOUND");
    const e2 = caught(() => spark.sql("SELEC 1"));
    expect(e2).toBeInstanceOf(ParseError);
    expect((e2 as ParseError).message).toMatch(/^\[PARSE_SYNTAX_ERROR\] Syntax error at or near 'SELEC'/);
  });

  it("interrupts a running query", async () => {
    const slow = spark.sql("SELECT count(*) FROM range(0, 100000000000, 1, 2) a").collect().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 3000));
    const ids = await spark.interruptAll();
    expect(ids.length).toBeGreaterThan(0);
    const e = await slow;
    expect(String((e as Error).message)).toMatch(/OPERATION_CANCELED|cancel|interrupt/i);
  }, 60_000);

  it("refuses sparkContext as Spark Connect does", () => {
    expect(() => spark.sparkContext).toThrow(/JVM_ATTRIBUTE_NOT_SUPPORTED.*sparkContext/);
  });
});
