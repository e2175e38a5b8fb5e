// Builds the workbench's JupyterLab MIME extension (extensions/bigdata-mime) as a prebuilt
// (federated) extension with npm alone: `npm ci` in its folder (pinned @jupyterlab/builder in its
// package-lock.json), tsc, then @jupyterlab/builder's build-labextension against the core
// package of the JupyterLab in the environment; and installs the result where that JupyterLab
// looks for prebuilt extensions (<prefix>/share/jupyter/labextensions/<name>).

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
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

/**
 * A hash of what the built extension is made of: its own sources, package files and the engine's
 * pure renderers it bundles (engine/viz plus the two sql modules they print with and the escaping).
 */
export function extensionSourceHash(): string {
  const h = createHash("sha256");
  const add = (file: string) => { h.update(relative(PACKAGE_ROOT, file)); h.update("\0"); h.update(readFileSync(file)); };
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) add(p);
    }
  };
  walk(join(EXTENSION_DIR, "src"));
  walk(join(PACKAGE_ROOT, "engine", "viz"));
  for (const f of ["package.json", "package-lock.json", "tsconfig.build.json"]) add(join(EXTENSION_DIR, f));
  for (const f of ["text-format.ts", "types.ts"]) add(join(PACKAGE_ROOT, "engine", "sql", f));
  for (const f of ["escape-xml.ts", "plan-graph-node.ts"]) add(join(PACKAGE_ROOT, "engine", "common", f));
  return h.digest("hex");
}

/** Builds (when `rebuild`, not built yet, or built from other sources) and installs the extension into the environment. */
export function ensureLabExtension(env: LabEnv, log: (s: string) => void, rebuild = false): boolean {
  const built = join(EXTENSION_DIR, "labextension");
  const stamp = join(built, ".source-hash");
  const hash = extensionSourceHash();
  const stale = !existsSync(stamp) || readFileSync(stamp, "utf8").trim() !== hash;
  if (rebuild || !existsSync(join(built, "package.json")) || stale) {
    if (existsSync(join(built, "package.json"))) log("The extension's sources changed since it was built; rebuilding it.");
    if (!buildLabExtension(env, log)) return false;
    writeFileSync(stamp, hash + "\n");
  }
  const dest = installedExtensionDir(env);
  rmSync(dest, { recursive: true, force: true });
  cpSync(built, dest, { recursive: true });
  return true;
}
