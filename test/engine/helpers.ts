// Shared set-up for engine integration tests: one real local cluster per test file.
import { SparkSession, type SparkContext } from "../../engine/index";

export async function startSession(master = "local[2]", conf: Record<string, unknown> = {}): Promise<{ spark: SparkSession; sc: SparkContext }> {
  const b = SparkSession.builder().master(master).appName("test");
  for (const [k, v] of Object.entries(conf)) b.config(k, v);
  const spark = await b.getOrCreate();
  return { spark, sc: spark.sparkContext };
}

/** Sort any values by their JSON text, for multiset comparisons. */
export function sorted<T>(xs: T[]): T[] {
  return [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
