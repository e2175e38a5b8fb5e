// Makes two packages appear inside the notebook's folder for tslab's checker only:
// node_modules/bigdata-workbench (the engine's declarations, so `import ... from
// "bigdata-workbench"` type-checks anywhere) and node_modules/@types/bigdata-workbench-notebook
// (picked up automatically as a type root package: it declares spark, sc, display, configure).
// It patches the `sys` of tslab's bundled TypeScript, which tslab's converter delegates to;
// install it before the converter is created (type roots are read then).

import { join } from "node:path";
import { tslabTs } from "../executor/tslab";

const NOTEBOOK_TYPES = "bigdata-workbench-notebook";

export function installVirtualPackages(cwd: string, declDir: string): void {
  const sys = tslabTs.sys as typeof tslabTs.sys & { __bdwVirtual?: boolean };
  if (sys.__bdwVirtual) return;
  sys.__bdwVirtual = true;
  const nm = join(cwd, "node_modules");
  const typesDir = join(nm, "@types");
  const mounts: Array<[virtual: string, real: string]> = [
    [join(typesDir, NOTEBOOK_TYPES), join(declDir, "notebook-globals")],
    [join(nm, "bigdata-workbench"), declDir],
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
    if (p === typesDir) return [...new Set([...real, NOTEBOOK_TYPES])];
    if (p === nm) return [...new Set([...real, "@types", "bigdata-workbench"])];
    const m = map(p);
    return m ? getDirectories.call(sys, m) : real;
  };
  if (realpath) sys.realpath = (p) => { const m = map(p); return m ? realpath.call(sys, m) : realpath.call(sys, p); };
  // Watching folders that do not exist on disk would fail; nothing there ever changes anyway.
  const noWatch = { close() {} };
  if (watchDirectory) sys.watchDirectory = (p, cb, rec, opts) => (isVirtualDir(p) || map(p) ? noWatch : watchDirectory.call(sys, p, cb, rec, opts));
  if (watchFile) sys.watchFile = (p, cb, interval, opts) => (map(p) ? noWatch : watchFile.call(sys, p, cb, interval, opts));
}
