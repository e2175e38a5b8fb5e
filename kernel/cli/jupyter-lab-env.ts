// The project-local JupyterLab 4 / Notebook 7 environment `workbench start` serves from: a Python
// virtual environment (.jupyter-venv/ in the package) with the exact pins of
// kernel/python/jupyter-requirements.txt, installed with pip when missing or when the pins change
// (a sha256 stamp of the requirements file), never into the system Python.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { PACKAGE_ROOT } from "./package-paths";

export const LAB_REQUIREMENTS = join(PACKAGE_ROOT, "kernel", "python", "jupyter-requirements.txt");
export const LAB_VENV = process.env.WORKBENCH_JUPYTER_VENV ?? join(PACKAGE_ROOT, ".jupyter-venv");

export interface LabEnv {
  /** The environment's folder (its sys.prefix). */
  prefix: string;
  python: string;
  /** `jupyter-lab` of the environment. */
  lab: string;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** A Python >= 3.9 with the venv module, preferring 3.11 (what the pins were resolved for). */
export function findBasePython(): string | undefined {
  for (const name of ["python3.11", "python3.12", "python3.10", "python3"]) {
    const py = onPath(name);
    if (!py) continue;
    const ok = spawnSync(py, ["-c", "import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)"], { stdio: "ignore" });
    if (ok.status === 0) return py;
  }
  return undefined;
}

function requirementsHash(): string {
  return createHash("sha256").update(readFileSync(LAB_REQUIREMENTS)).digest("hex");
}

function envOf(prefix: string): LabEnv {
  return { prefix, python: join(prefix, "bin", "python"), lab: join(prefix, "bin", "jupyter-lab") };
}

/** The environment when it is installed and matches the current pins, else undefined. */
export function findLabEnv(prefix = LAB_VENV): LabEnv | undefined {
  const env = envOf(prefix);
  const stamp = join(prefix, ".requirements.sha256");
  if (!existsSync(env.lab) || !existsSync(stamp)) return undefined;
  return readFileSync(stamp, "utf8").trim() === requirementsHash() ? env : undefined;
}

/** Creates or updates the environment with pip; undefined (with the reason logged) on failure. */
export function ensureLabEnv(log: (s: string) => void, prefix = LAB_VENV): LabEnv | undefined {
  const have = findLabEnv(prefix);
  if (have) return have;
  const base = findBasePython();
  if (!base) {
    log("JupyterLab needs Python 3.9 or newer with the venv module (python3 -m venv); none was found on PATH.");
    return undefined;
  }
  const env = envOf(prefix);
  log(`Installing JupyterLab 4 and Notebook 7 into ${prefix} (pins: ${LAB_REQUIREMENTS}); this takes a minute once.`);
  if (!existsSync(env.python)) {
    const made = spawnSync(base, ["-m", "venv", prefix], { stdio: "inherit" });
    if (made.status !== 0) {
      log(`\`${base} -m venv ${prefix}\` failed (exit ${made.status}); on Debian install python3-venv.`);
      return undefined;
    }
  }
  const pip = spawnSync(
    env.python,
    ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", "-r", LAB_REQUIREMENTS],
    { stdio: "inherit" },
  );
  if (pip.status !== 0 || !existsSync(env.lab)) {
    log(`pip could not install the JupyterLab pins (exit ${pip.status}); is PyPI reachable?`);
    return undefined;
  }
  writeFileSync(join(prefix, ".requirements.sha256"), requirementsHash() + "\n");
  return env;
}

/**
 * Lab-wide setting overrides for the environment: no "get notified about Jupyter news?" prompt and
 * no update check (the pins decide the version), so a student's first screen is the notebook.
 */
export function writeLabOverrides(env: LabEnv): void {
  const dir = join(env.prefix, "share", "jupyter", "lab", "settings");
  mkdirSync(dir, { recursive: true });
  const overrides = { "@jupyterlab/apputils-extension:notification": { fetchNews: "false", checkForUpdates: false } };
  writeFileSync(join(dir, "overrides.json"), JSON.stringify(overrides, null, 2) + "\n");
}
