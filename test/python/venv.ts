// The project-local Python environment with the pinned PyPI peers (test/python/requirements.txt),
// made by .ci/python-env.sh. Tests that need a PyPI peer call venvPython() and run scripts with it.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
let cached: string | undefined;

/** Path of .venv/bin/python, creating or updating the environment first when needed. */
export function venvPython(): string {
  cached ??= execFileSync("bash", [".ci/python-env.sh"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return cached;
}

const cachedOther = new Map<string, string>();

/** Path of the python of another pinned environment (`requirements` under test/python, `venv` at the root). */
export function pinnedPython(requirements: string, venv: string): string {
  let py = cachedOther.get(venv);
  if (!py) {
    py = execFileSync("bash", [".ci/python-env.sh", `test/python/${requirements}`, venv], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    cachedOther.set(venv, py);
  }
  return py;
}

/** Whether a JVM is on the PATH (PySpark needs Java 17). */
export function javaAvailable(): boolean {
  try { execFileSync("java", ["-version"], { stdio: "ignore" }); return true; } catch { return false; }
}

/** Process ids of the running JVMs (also those exiting: a JVM's threads outlive its main one, listed as defunct). */
function jvms(): number[] {
  try {
    return execFileSync("pgrep", ["-x", "java"], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * Run a PySpark script of the repository (path from the root) with the .venv's python, in UTC,
 * and parse the JSON of the line it prints as `RESULT {...}`.
 */
export function runPySpark<T = Record<string, unknown>>(script: string, args: string[], timeoutMs = 420_000): T {
  const before = new Set(jvms());
  const out = execFileSync(venvPython(), [`${root}/${script}`, ...args],
    { encoding: "utf8", env: { ...process.env, TZ: "UTC", PYSPARK_PYTHON: venvPython() }, stdio: ["ignore", "pipe", "ignore"], timeout: timeoutMs });
  // The script's JVM goes on shutting down, a core busy for about a second, after python exits:
  // wait for the JVMs the script started, so that what a benchmark measures next does not share
  // the machine with them.
  const deadline = Date.now() + 15_000;
  while (jvms().some((pid) => !before.has(pid)) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  const line = out.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`no RESULT line from ${script}:\n${out}`);
  return JSON.parse(line.slice(7)) as T;
}
