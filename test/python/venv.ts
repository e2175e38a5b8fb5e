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
