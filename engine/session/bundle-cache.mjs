// The cache of prebuilt JavaScript bundles in the package's node_modules/.cache/bigdata-workbench:
// one folder per version of the sources a bundle is built from, keyed by their hash; a builder
// writes a private folder and renames it into place (concurrent builders of the same version
// each keep the first); old versions are pruned. Used by the local workers' bundle
// (worker-bundle.ts) and by the kernel's (kernel/bundle.mjs, which runs before TypeScript can be
// loaded: hence plain JavaScript, typed by bundle-cache.d.mts).

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** esbuild, from the package or (tsx depends on it) from tsx's own dependencies; undefined if neither. */
export function loadEsbuild() {
  const require = createRequire(import.meta.url);
  try {
    return require("esbuild");
  } catch {
    try { return createRequire(require.resolve("tsx/package.json"))("esbuild"); } catch { return undefined; }
  }
}

function sources(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (/\.(ts|mts|mjs|js|json)$/.test(e.name) && !e.name.endsWith(".test.ts")) out.push(p);
  }
  return out.sort();
}

/** A hash of the source files under `dirs` (tests left out), with `salt` (bundler and node versions). */
export function sourceHash(dirs, salt) {
  const h = createHash("sha256");
  h.update(`${salt}\0${process.version}\0`);
  for (const d of dirs) {
    for (const f of sources(d)) {
      h.update(`${relative(PACKAGE_ROOT, f)}\0`);
      h.update(readFileSync(f));
    }
  }
  return h.digest("hex").slice(0, 16);
}

/**
 * esbuild options that make a bundle CommonJS: Node loads one with require, without the ES
 * module loader's per-import resolution and export parsing (measured: the kernel's engine bundle
 * 245-373 ms through import(), 97-103 ms through require). `import.meta.url` becomes the bundle
 * file's URL and `import.meta.resolve` a require.resolve, as the ES module bundles had them.
 */
const META = "import.meta"; // not spelled out: kernel/bundle.mjs rewrites that text where it bundles this file
export const COMMONJS_BUNDLE = {
  format: "cjs",
  define: { [`${META}.url`]: "__bundleUrl", [`${META}.resolve`]: "__bundleResolve" },
  banner: {
    js: '"use strict";\nconst __bundleUrl = require("node:url").pathToFileURL(__filename).href;\n' +
      'const __bundleResolve = (specifier) => require("node:url").pathToFileURL(require.resolve(specifier)).href;',
  },
};

/** The folder of a bundle kind (e.g. "worker-bundles") in the cache. */
export function cacheRoot(kind) {
  return join(PACKAGE_ROOT, "node_modules", ".cache", "bigdata-workbench", kind);
}

/** A private folder to build `dir` in; publish() moves it into place. */
export function buildFolder(dir) {
  return `${dir}.tmp-${process.pid}-${Date.now()}`;
}

/** Moves a built folder into place (or drops it when another builder was first) and prunes old versions. */
export function publish(tmp, dir) {
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  pruneOld(dir);
}

function pruneOld(keep) {
  const root = join(keep, "..");
  try {
    const all = readdirSync(root).map((d) => join(root, d));
    // Leftovers of builders that died half-way.
    for (const d of all.filter((d) => d.includes(".tmp-") && Date.now() - statSync(d).mtimeMs > 600_000)) rmSync(d, { recursive: true, force: true });
    const dirs = all.filter((d) => d !== keep && !d.includes(".tmp-"));
    dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    for (const d of dirs.slice(4)) rmSync(d, { recursive: true, force: true });
  } catch {
    // Pruning is best effort.
  }
}
