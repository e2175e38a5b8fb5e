// Where the package's own parts live, resolved from this file (never from the caller's cwd), and
// late-bound loaders for modules other people own (kernel/install.ts, engine/index.ts) so that
// the CLI loads, and says clearly what is missing, even before those modules exist.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
export const NOTEBOOKS_DIR = `${PACKAGE_ROOT}/notebooks`;
export const KERNEL_INSTALL_MODULE = `${PACKAGE_ROOT}/kernel/install.ts`;
export const ENGINE_MODULE = `${PACKAGE_ROOT}/engine/index.ts`;

export class MissingPartError extends Error {
  override name = "MissingPartError";
}

export interface InstallKernelOptions {
  user?: boolean;
  sysPrefix?: boolean;
  prefix?: string;
  name?: string;
}
export type InstallKernelSpec = (opts: InstallKernelOptions) => unknown;

export async function loadInstallKernelSpec(): Promise<InstallKernelSpec> {
  if (!existsSync(KERNEL_INSTALL_MODULE)) {
    throw new MissingPartError(`the kernel installer (${KERNEL_INSTALL_MODULE}) is not there yet`);
  }
  const mod = (await import(KERNEL_INSTALL_MODULE)) as { installKernelSpec?: InstallKernelSpec };
  if (typeof mod.installKernelSpec !== "function") {
    throw new MissingPartError(`${KERNEL_INSTALL_MODULE} does not export installKernelSpec`);
  }
  return mod.installKernelSpec;
}

export interface RunWorkerOptions {
  driverUrl: string;
  token: string;
  host?: string;
  cores?: number;
}
export type RunWorker = (opts: RunWorkerOptions) => Promise<void>;

export async function loadRunWorker(): Promise<RunWorker> {
  const mod = existsSync(ENGINE_MODULE) ? ((await import(ENGINE_MODULE)) as { runWorker?: RunWorker }) : {};
  if (typeof mod.runWorker !== "function") {
    throw new MissingPartError(
      `the engine does not export runWorker yet (${ENGINE_MODULE}); ` +
        "`workbench worker` will work once it does",
    );
  }
  return mod.runWorker;
}

/** Describes whatever installKernelSpec returned (a path, or an object holding one). */
export function describeInstall(result: unknown): string | undefined {
  if (typeof result === "string") return result;
  if (result && typeof result === "object") {
    const r = result as Record<string, unknown>;
    for (const k of ["path", "dir", "resourceDir", "destination", "kernelDir"]) if (typeof r[k] === "string") return r[k] as string;
  }
  return undefined;
}
