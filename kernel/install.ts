// Installs the "bigdata" kernelspec (kernel.json + logos) where Jupyter looks for kernels, with
// absolute paths resolved now (node, kernel/boot.mjs) so Jupyter can start the
// kernel from any folder. Used by `workbench install-kernel`.

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { logoPng, logoSvg } from "./logos/make-logos";

export interface InstallKernelSpecOptions {
  /** ~/.local/share/jupyter/kernels (or $JUPYTER_DATA_DIR/kernels). */
  user?: boolean;
  /** sys.prefix/share/jupyter/kernels of the Python Jupyter runs in. */
  sysPrefix?: boolean;
  /** P/share/jupyter/kernels. */
  prefix?: string;
  /** Kernelspec name (folder name); default "bigdata". */
  name?: string;
  /** Python asked for sys.prefix with sysPrefix (default /usr/bin/python3, Debian's Jupyter). */
  python?: string;
  /** Extra environment for the kernel process. */
  env?: Record<string, string>;
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "message" | "signal";
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

export interface InstallResult {
  /** The kernelspec folder written. */
  path: string;
  spec: KernelSpec;
}

const PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");

/** Jupyter's user data dir, as `jupyter --data-dir` computes it on Linux and macOS. */
export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  const xdg = process.env.XDG_DATA_HOME;
  return join(xdg || join(homedir(), ".local", "share"), "jupyter");
}

export function kernelsDir(opts: InstallKernelSpecOptions): string {
  if (opts.prefix !== undefined) return join(opts.prefix, "share", "jupyter", "kernels");
  if (opts.sysPrefix) {
    const prefix = execFileSync(opts.python ?? "/usr/bin/python3", ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
    return join(prefix, "share", "jupyter", "kernels");
  }
  if (opts.user) return join(userDataDir(), "kernels");
  return "/usr/local/share/jupyter/kernels";
}

/** The kernelspec, with every path absolute and resolved from this package. */
export function kernelSpec(env: Record<string, string> = {}): KernelSpec {
  return {
    // boot.mjs runs the kernel from its prebuilt bundle (or from the sources through tsx).
    argv: [process.execPath, join(PACKAGE_ROOT, "kernel", "boot.mjs"), "-f", "{connection_file}"],
    display_name: "TypeScript (Big Data Workbench)",
    language: "typescript",
    interrupt_mode: "message",
    // tsx would otherwise read a tsconfig.json from the notebook's folder.
    env: { TSX_TSCONFIG_PATH: join(PACKAGE_ROOT, "tsconfig.json"), ...env },
    metadata: { debugger: false },
  };
}

export async function installKernelSpec(opts: InstallKernelSpecOptions = {}): Promise<InstallResult> {
  const name = opts.name ?? "bigdata";
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) throw new Error(`invalid kernelspec name: ${JSON.stringify(name)}`);
  const dir = join(kernelsDir(opts), name);
  mkdirSync(dir, { recursive: true });
  const spec = kernelSpec(opts.env);
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  writeFileSync(join(dir, "logo-32x32.png"), logoPng(32));
  writeFileSync(join(dir, "logo-64x64.png"), logoPng(64));
  writeFileSync(join(dir, "logo-svg.svg"), logoSvg());
  // Emit the engine's declarations now so the first kernel start does not have to.
  let declarations: string | undefined;
  try {
    const { ensureEngineDeclarations } = await import("./typing/engine-declarations");
    declarations = await ensureEngineDeclarations();
  } catch {
    // The kernel emits them on start if this failed.
  }
  // Compile tslab's TypeScript through a converter and a cell once now, so the first kernel's
  // threads load it from its code cache (executor/code-cache.ts; about a second, once per install).
  try {
    const { converterModule, tslabTsFromCodeCache } = await import("./executor/tslab");
    if (!tslabTsFromCodeCache && declarations) {
      const [{ installVirtualPackages }, { saveCodeCaches }] = await Promise.all([import("./typing/virtual-packages"), import("./executor/code-cache")]);
      installVirtualPackages(process.cwd(), declarations);
      converterModule.createConverter({ isJS: false, isBrowser: false }).convert("", "const n: number = 1;\nn");
      saveCodeCaches();
    }
  } catch {
    // The first kernel's compiler thread writes it.
  }
  // Build the kernel's bundle (kernel/bundle.mjs) now, so the first kernel start does not have to.
  try {
    const bundle = (await import(new URL("./bundle.mjs", import.meta.url).href)) as { kernelBundle?: () => Promise<unknown> };
    await bundle.kernelBundle?.();
  } catch {
    // The first kernel builds it (or runs from the sources).
  }
  // Build the local workers' prebuilt bundle now too, so the first session does not have to.
  try {
    const engine = (await import(new URL("../engine/index.ts", import.meta.url).href)) as { workerBundle?: () => unknown };
    engine.workerBundle?.();
  } catch {
    // The first session builds it (or its workers run through tsx).
  }
  return { path: dir, spec };
}
