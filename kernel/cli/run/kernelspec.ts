// Finds an installed kernelspec the way jupyter_client does, without asking Python: the
// kernels/ folder under each Jupyter data directory, first match wins.

import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

export interface KernelSpec {
  name: string;
  /** Folder holding kernel.json (substituted for `{resource_dir}`). */
  resourceDir: string;
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode?: "signal" | "message";
  env?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

export class KernelSpecNotFound extends Error {
  override name = "KernelSpecNotFound";
}

/** Jupyter data directories in jupyter_core's order: JUPYTER_PATH, user, environment, system. */
export function jupyterDataDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  for (const p of (env.JUPYTER_PATH ?? "").split(delimiter)) if (p) dirs.push(p);
  const home = env.HOME || homedir();
  const xdg = env.XDG_DATA_HOME || join(home, ".local", "share");
  dirs.push(env.JUPYTER_DATA_DIR || join(xdg, "jupyter"));
  // sys.prefix of Debian's /usr/bin/python3 is /usr; pip-style installs use /usr/local.
  dirs.push("/usr/local/share/jupyter", "/usr/share/jupyter");
  return [...new Set(dirs)];
}

export function findKernelSpec(name: string, env: NodeJS.ProcessEnv = process.env): KernelSpec {
  const searched: string[] = [];
  for (const dir of jupyterDataDirs(env)) {
    const resourceDir = join(dir, "kernels", name);
    const file = join(resourceDir, "kernel.json");
    searched.push(resourceDir);
    if (!existsSync(file)) continue;
    const spec = JSON.parse(readFileSync(file, "utf8")) as Omit<KernelSpec, "name" | "resourceDir">;
    if (!Array.isArray(spec.argv) || spec.argv.length === 0) {
      throw new KernelSpecNotFound(`${file} has no argv`);
    }
    return { ...spec, name, resourceDir };
  }
  throw new KernelSpecNotFound(
    `no kernelspec named "${name}" (looked in ${searched.join(", ")}); ` +
      `run \`workbench install-kernel\` or pass --kernel NAME`,
  );
}

/** The argv to spawn: placeholders filled in, and a bare `python`/`python3` pinned to the
 * interpreter that has Jupyter (Debian's), as jupyter_client pins it to its own. */
export function kernelArgv(spec: KernelSpec, connectionFile: string): string[] {
  const argv = spec.argv.map((a) =>
    a.replaceAll("{connection_file}", connectionFile).replaceAll("{resource_dir}", spec.resourceDir),
  );
  if ((argv[0] === "python" || argv[0] === "python3") && existsSync("/usr/bin/python3")) argv[0] = "/usr/bin/python3";
  return argv;
}
