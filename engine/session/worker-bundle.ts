// Local workers start from prebuilt JavaScript: the worker process entry and what an executor
// thread loads (worker-preload + executor-thread) are bundled with esbuild, once per engine
// version, into the package's node_modules/.cache. A worker then starts without the tsx loader
// and without transpiling and resolving the engine file by file (its process and each executor
// thread used to take a second or more of CPU each to boot). Dependencies stay external and
// resolve from the package's node_modules. When esbuild is missing or the build fails, workers
// run the TypeScript sources through tsx as before. BIGDATA_WORKER_BUNDLE=0 turns bundles off.
// The bundles are CommonJS (COMMONJS_BUNDLE): a process loads its entry and each executor thread
// its module through require, about three times faster than through the ES module loader.

import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildFolder, cacheRoot, COMMONJS_BUNDLE, loadEsbuild, PACKAGE_ROOT, publish, sourceHash } from "./bundle-cache.mjs";

export interface WorkerBundle {
  /** File path of the bundled worker process entry (CommonJS). */
  entry: string;
  /** File URL of the bundled executor thread module (CommonJS, preload included). */
  executorModule: string;
}

const ENGINE_DIR = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
const ENTRY = join(ENGINE_DIR, "session", "worker-entry.ts");
const THREAD_MODULES = [join(ENGINE_DIR, "worker-preload.ts"), join(ENGINE_DIR, "executor", "executor-thread.ts")];

let failedOnce = false;

/**
 * The bundle of the current engine sources, built now if needed (about a second of CPU, once
 * per engine version; concurrent builders each write a private folder and rename it into
 * place). Undefined when bundles are off or cannot be built: use the TypeScript entry then.
 */
export function workerBundle(): WorkerBundle | undefined {
  if (process.env.BIGDATA_WORKER_BUNDLE === "0" || failedOnce) return undefined;
  const esbuild = loadEsbuild();
  if (!esbuild) return undefined;
  try {
    const dir = join(cacheRoot("worker-bundles"), sourceHash([ENGINE_DIR], esbuild.version));
    // The files sit in <dir>/engine/ so that engine/rdd/call-site's "two folders up" (the
    // engine's own folder, whose frames are not user call sites) contains the bundle.
    const bundle = (d: string): WorkerBundle => ({ entry: join(d, "engine", "worker-entry.cjs"), executorModule: pathToFileURL(join(d, "engine", "executor-thread.cjs")).href });
    if (existsSync(join(dir, "engine", "executor-thread.cjs"))) return bundle(dir);
    const tmp = buildFolder(dir);
    const common = {
      bundle: true, platform: "node", target: "node20", keepNames: true, packages: "external",
      logLevel: "silent", absWorkingDir: PACKAGE_ROOT, ...COMMONJS_BUNDLE,
    } as const;
    esbuild.buildSync({ ...common, entryPoints: [ENTRY], outfile: join(tmp, "engine", "worker-entry.cjs") });
    esbuild.buildSync({
      ...common,
      stdin: { contents: THREAD_MODULES.map((m) => `import ${JSON.stringify(m)};`).join("\n"), resolveDir: ENGINE_DIR, sourcefile: "executor-thread-entry.js", loader: "js" },
      outfile: join(tmp, "engine", "executor-thread.cjs"),
    });
    // The worker process starts its executor threads from thread-boot.mjs beside its own file.
    copyFileSync(join(ENGINE_DIR, "cluster", "thread-boot.mjs"), join(tmp, "engine", "thread-boot.mjs"));
    publish(tmp, dir);
    return bundle(dir);
  } catch (e) {
    failedOnce = true;
    console.error(`[bigdata] worker bundle not built, workers run through tsx: ${(e as Error).message.split("\n")[0]}`);
    return undefined;
  }
}
