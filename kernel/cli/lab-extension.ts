// Builds the workbench's JupyterLab MIME extension (extensions/bigdata-mime) as a prebuilt
// (federated) extension with npm alone: `npm ci` in its folder (pinned @jupyterlab/builder in its
// package-lock.json), tsc, then @jupyterlab/builder's build-labextension against the core
// package of the JupyterLab in the environment; and installs the result where that JupyterLab
// looks for prebuilt extensions (<prefix>/share/jupyter/labextensions/<name>).

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { LabEnv } from "./jupyter-lab-env";
import { PACKAGE_ROOT } from "./package-paths";

export const EXTENSION_DIR = join(PACKAGE_ROOT, "extensions", "bigdata-mime");
export const EXTENSION_NAME = (JSON.parse(readFileSync(join(EXTENSION_DIR, "package.json"), "utf8")) as { name: string }).name;

/** Where the environment's JupyterLab finds the installed extension. */
export function installedExtensionDir(env: LabEnv): string {
  return join(env.prefix, "share", "jupyter", "labextensions", EXTENSION_NAME);
}

function run(cmd: string, args: string[], cwd: string, log: (s: string) => void): boolean {
  const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status === 0) return true;
  log(`\`${cmd} ${args.join(" ")}\` failed (exit ${r.status}):\n${(r.stdout ?? "") + (r.stderr ?? "")}`.trimEnd());
  return false;
}

/** Builds extensions/bigdata-mime/labextension/ (npm ci, tsc, build-labextension). */
export function buildLabExtension(env: LabEnv, log: (s: string) => void): boolean {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  if (!existsSync(join(EXTENSION_DIR, "node_modules", "@jupyterlab", "builder"))) {
    log("Building the JupyterLab extension (npm ci in extensions/bigdata-mime)...");
    if (!run(npm, ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], EXTENSION_DIR, log)) return false;
  }
  const staging = spawnSync(env.python, ["-c", "import jupyterlab, os; print(os.path.join(os.path.dirname(jupyterlab.__file__), 'staging'))"], { encoding: "utf8" });
  if (staging.status !== 0) return log("cannot locate JupyterLab's core package (jupyterlab/staging)"), false;
  const tsc = join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc");
  const builder = join(EXTENSION_DIR, "node_modules", "@jupyterlab", "builder", "lib", "build-labextension.js");
  return (
    run(process.execPath, [tsc, "-p", "tsconfig.build.json"], EXTENSION_DIR, log) &&
    run(process.execPath, [builder, "--core-path", staging.stdout.trim(), "."], EXTENSION_DIR, log)
  );
}

/** Builds (when `rebuild` or not built yet) and installs the extension into the environment. */
export function ensureLabExtension(env: LabEnv, log: (s: string) => void, rebuild = false): boolean {
  const built = join(EXTENSION_DIR, "labextension");
  if (rebuild || !existsSync(join(built, "package.json"))) {
    if (!buildLabExtension(env, log)) return false;
  }
  const dest = installedExtensionDir(env);
  rmSync(dest, { recursive: true, force: true });
  cpSync(built, dest, { recursive: true });
  return true;
}
