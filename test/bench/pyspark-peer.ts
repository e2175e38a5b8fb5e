// PySpark as a benchmark's peer: runs one of test/bench/pyspark_*.py (PySpark pinned in
// test/python/requirements.txt, local[2]) and returns its RESULT, or why it was not measured (no
// Java, or the script failed), so a benchmark still prints its own figure.
import { javaAvailable, runPySpark } from "../python/venv";

export function pysparkPeer<T>(script: string, args: string[], timeoutMs: number): T | string {
  if (!javaAvailable()) return "PySpark not measured: no Java";
  try {
    return runPySpark<T>(`test/bench/${script}`, args, timeoutMs);
  } catch (e) {
    return `PySpark not measured: ${(e as Error).message.split("\n")[0]}`;
  }
}
