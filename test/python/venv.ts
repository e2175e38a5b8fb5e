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
