// Marks a notebook the runner executed as trusted, as `jupyter trust` does: Jupyter's notebook
// signature (an HMAC of the notebook's content with the user's notebook secret, recorded in the
// signature database of the Jupyter data directory, which JUPYTER_DATA_DIR moves). Without it,
// Jupyter opens the executed notebook "Not Trusted" and strips the rich job panels' styling until
// File > Trust Notebook. The signing is nbformat's own (Python), so the database and the digest
// are exactly Jupyter's; when no Python with nbformat is found, the notebook stays unsigned.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../package-paths";

const SIGN = `
import sys, nbformat
from nbformat.sign import NotebookNotary
nb = nbformat.reads(sys.stdin.read(), as_version=4)
NotebookNotary().sign(nb)
print("signed")
`;

function pythons(env: NodeJS.ProcessEnv): string[] {
  return [env.WORKBENCH_PYTHON, join(PACKAGE_ROOT, ".venv", "bin", "python"), "/usr/bin/python3", "python3"]
    .filter((p): p is string => !!p && (!p.includes("/") || existsSync(p)));
}

/** Signs the notebook text in the user's Jupyter trust database; true when it is now trusted. */
export function signNotebook(text: string, env: NodeJS.ProcessEnv = process.env): boolean {
  for (const py of pythons(env)) {
    const r = spawnSync(py, ["-c", SIGN], { input: text, env, encoding: "utf8", timeout: 60_000 });
    if (r.status === 0 && r.stdout.includes("signed")) return true;
  }
  return false;
}
