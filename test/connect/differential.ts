// What the differential suites share: one reference server per test file (Spark 4.0.1, ANSI off as
// the engine's default, UTC) with a remote session on it, and a DataFrame's outcome as comparable
// text (Spark's types, names, rows; an error by its condition).

import { afterAll, beforeAll } from "vitest";
import { RemoteSparkSession } from "../../engine/connect/index";
import type { DataFrame } from "../../engine/sql/index";
import { javaMissing, startConnectServer, type ConnectServer } from "./connect-server";
import { resultText } from "./normalize";

/** Starts the reference server for this file (unless Java is missing); `session()` is its remote session. */
export function referenceServer(): { noJava: string | undefined; session(): RemoteSparkSession } {
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
  return { noJava, session: () => remote! };
}

/** dtypes, names and rows (sorted unless `ordered`), or `ERROR <condition>` (Spark's messages add SQLSTATE and context). */
export async function outcome(build: () => DataFrame, ordered = false): Promise<string> {
  try {
    const df = build();
    const rows = await df.collectInternal();
    return [df.dtypes.map(([n, t]) => `${n}:${t}`).join(","), resultText(df.columns, rows, ordered)].join("\n");
  } catch (e) {
    return `ERROR ${(e as { condition?: string }).condition ?? `${(e as Error).name}: ${(e as Error).message.split("\n")[0]}`}`;
  }
}
