// Throwaway Jupyter environments for end-to-end tests: HOME, Jupyter data/config/runtime dirs and
// a JUPYTER_PATH prefix live in one temp folder, so tests never read or write machine config.
// When the kernel's installer exists, the bigdata kernelspec is installed into that prefix.

import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");
export const WORKBENCH = join(ROOT, "kernel", "bin", "workbench.mjs");
export const KERNEL_INSTALLER = join(ROOT, "kernel", "install.ts");
export const ENGINE_INDEX = join(ROOT, "engine", "index.ts");
export const L06 = join(ROOT, "notebooks", "L06-spark-basics.ipynb");

export interface Sandbox {
  dir: string;
  /** Folder on JUPYTER_PATH; kernelspecs installed into it are visible to every Jupyter tool. */
  jupyterPath: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function makeSandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), "workbench-e2e-"));
  const sub = (name: string) => join(dir, name);
  const jupyterPath = join(dir, "prefix", "share", "jupyter");
  for (const d of ["home", "data", "config", "runtime", "ipython", "work"]) await mkdir(sub(d), { recursive: true });
  await mkdir(join(jupyterPath, "kernels"), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: sub("home"),
    JUPYTER_PATH: jupyterPath,
    JUPYTER_DATA_DIR: sub("data"),
    JUPYTER_CONFIG_DIR: sub("config"),
    JUPYTER_RUNTIME_DIR: sub("runtime"),
    JUPYTER_PLATFORM_DIRS: "0",
    IPYTHONDIR: sub("ipython"),
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
    // Keep the Python helpers on Debian's interpreter, which has Jupyter.
    PYTHONNOUSERSITE: "1",
  };
  return { dir, jupyterPath, env, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function kernelInstallerExists(): boolean {
  return existsSync(KERNEL_INSTALLER);
}

/** Installs the bigdata kernelspec into the sandbox prefix through the kernel's own installer. */
export async function installBigdataKernel(sb: Sandbox): Promise<void> {
  const mod = (await import(KERNEL_INSTALLER)) as { installKernelSpec(o: { prefix: string }): unknown };
  await mod.installKernelSpec({ prefix: join(sb.dir, "prefix") });
  if (!existsSync(join(sb.jupyterPath, "kernels", "bigdata", "kernel.json"))) {
    throw new Error(`installKernelSpec({prefix}) did not create ${join(sb.jupyterPath, "kernels", "bigdata")}`);
  }
}

/** True when the engine exports what the notebooks need (the kernel creates `spark` from it). */
export async function engineReady(): Promise<boolean> {
  if (!existsSync(ENGINE_INDEX)) return false;
  try {
    const mod = (await import(ENGINE_INDEX)) as Record<string, unknown>;
    return typeof mod.SparkSession === "function";
  } catch {
    return false;
  }
}
