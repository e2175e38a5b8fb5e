// Finds the Jupyter Notebook server this machine has (Debian's classic Notebook 6 under
// /usr/bin), installs it with apt when we are root on Debian, and otherwise says exactly what to
// install. PyPI is not assumed to be reachable, so pip is never suggested first.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

export const DEBIAN_PACKAGES = ["jupyter-notebook", "python3-nbclient", "python3-nbconvert", "jupyter-client"];

export interface NotebookServerCommand {
  /** Program and leading arguments that start the classic Notebook server. */
  argv: string[];
  found: string;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The classic Notebook server command, or undefined when none is installed. */
export function findNotebookServer(env: NodeJS.ProcessEnv = process.env): NotebookServerCommand | undefined {
  if (existsSync("/usr/bin/jupyter-notebook")) return { argv: ["/usr/bin/jupyter-notebook"], found: "/usr/bin/jupyter-notebook" };
  const direct = onPath("jupyter-notebook", env);
  if (direct) return { argv: [direct], found: direct };
  const py = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : onPath("python3", env);
  if (py && spawnSync(py, ["-c", "import notebook"], { stdio: "ignore" }).status === 0) {
    return { argv: [py, "-m", "notebook"], found: `${py} -m notebook` };
  }
  return undefined;
}

export function isDebianRoot(): boolean {
  return existsSync("/etc/debian_version") && typeof process.getuid === "function" && process.getuid() === 0;
}

export function installInstructions(): string {
  return [
    "Jupyter Notebook was not found. Install it, then run `workbench start` again:",
    `  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y ${DEBIAN_PACKAGES.join(" ")}`,
    "  elsewhere:      python3 -m pip install 'notebook<7' nbclient nbconvert jupyter_client",
  ].join("\n");
}

/** Makes sure a server is available, installing Debian packages when root on Debian. */
export function ensureNotebookServer(log: (s: string) => void): NotebookServerCommand | undefined {
  const have = findNotebookServer();
  if (have) return have;
  if (!isDebianRoot()) {
    log(installInstructions());
    return undefined;
  }
  log(`Jupyter Notebook not found; installing Debian packages: ${DEBIAN_PACKAGES.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update"], { stdio: "inherit", env });
  const install = update.status === 0
    ? spawnSync("apt-get", ["install", "-y", ...DEBIAN_PACKAGES], { stdio: "inherit", env })
    : update;
  if (install.status !== 0) {
    log(`apt-get failed (exit ${install.status}).\n${installInstructions()}`);
    return undefined;
  }
  return findNotebookServer();
}
