// Makes packages appear inside the notebook's folder for tslab's checker only:
// node_modules/bigdata-workbench (the engine's declarations, so `import ... from
// "bigdata-workbench"` type-checks anywhere) and node_modules/@types/bigdata-workbench-notebook
// (picked up automatically as a type root package: it declares spark, sc, display, configure).
// It patches the `sys` of tslab's bundled TypeScript, which tslab's converter delegates to;
// install it before the converter is created (type roots are read then).
//
// The mounted files keep their virtual paths (realpath does not reveal where they really are):
// tslab emits a declaration for every cell variable, and a type like RDD<number> can only be
// named there through a path the notebook's folder can import, i.e. "bigdata-workbench/rdd/rdd".
// The engine's own dependencies (ws, hyparquet, ...) resolve from the package's node_modules,
// mounted as node_modules/bigdata-workbench/node_modules.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tslabTs } from "../executor/tslab";

const NOTEBOOK_TYPES = "bigdata-workbench-notebook";
const PACKAGE_NODE_MODULES = fileURLToPath(new URL("../../node_modules", import.meta.url));
const PACKAGE_TYPES = join(PACKAGE_NODE_MODULES, "@types");

export function installVirtualPackages(cwd: string, declDir: string): void {
  const sys = tslabTs.sys as typeof tslabTs.sys & { __bdwVirtual?: boolean };
  if (sys.__bdwVirtual) return;
  sys.__bdwVirtual = true;
  const nm = join(cwd, "node_modules");
  const typesDir = join(nm, "@types");
  const engineDir = join(nm, "bigdata-workbench");
  // Longest virtual prefix first: the engine's node_modules lies inside the engine mount.
  const mounts: Array<[virtual: string, real: string]> = [
    [join(engineDir, "node_modules"), PACKAGE_NODE_MODULES],
    [join(typesDir, NOTEBOOK_TYPES), join(declDir, "notebook-globals")],
    [engineDir, declDir],
  ];
  const map = (p: string): string | undefined => {
    for (const [v, r] of mounts) {
      if (p === v) return r;
      if (p.startsWith(v + "/")) return r + p.slice(v.length);
    }
    return undefined;
  };
  const isVirtualDir = (p: string) => p === nm || p === typesDir;

  const { fileExists, readFile, directoryExists, getDirectories, realpath, watchDirectory, watchFile } = sys;
  sys.fileExists = (p) => fileExists.call(sys, map(p) ?? p);
  sys.readFile = (p, enc) => readFile.call(sys, map(p) ?? p, enc);
  sys.directoryExists = (p) => isVirtualDir(p) || directoryExists.call(sys, map(p) ?? p);
  sys.getDirectories = (p) => {
    const real = directoryExists.call(sys, p) ? getDirectories.call(sys, p) : [];
    // The package's own @types (a type root of a notebook inside the package, or of a kernel
    // running in the package's folder): of its global types (dev dependencies': chai, webgl2,
    // ...) only Node's; notebook globals are mounted beside them all the same.
    const own = p === PACKAGE_TYPES ? real.filter((d) => d === "node") : real;
    if (p === typesDir) return [...new Set([...own, NOTEBOOK_TYPES])];
    if (p === PACKAGE_TYPES) return own;
    if (p === nm) return [...new Set([...real, "@types", "bigdata-workbench"])];
    const m = map(p);
    return m ? getDirectories.call(sys, m) : real;
  };
  // A mounted path is its own real path (see above); other paths resolve as usual.
  if (realpath) sys.realpath = (p) => (map(p) ? p : realpath.call(sys, p));
  // Watching folders that do not exist on disk would fail; nothing there ever changes anyway.
  const noWatch = { close() {} };
  if (watchDirectory) sys.watchDirectory = (p, cb, rec, opts) => (isVirtualDir(p) || map(p) ? noWatch : watchDirectory.call(sys, p, cb, rec, opts));
  if (watchFile) sys.watchFile = (p, cb, interval, opts) => (map(p) ? noWatch : watchFile.call(sys, p, cb, interval, opts));
}
