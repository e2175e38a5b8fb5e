// Declarations of the engine's public API for tslab's checker (TypeScript 5.0 inside tslab):
// emitted once per engine version with the project's TypeScript 5.9 into a cache folder, so a
// notebook gets types and completion for `spark.` without compiling the engine on every cell.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { notebookGlobalsDts } from "./notebook-globals-dts";

export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const ENGINE_DIR = join(PACKAGE_ROOT, "engine");

function engineSources(dir = ENGINE_DIR, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== "testing" && e.name !== "fixtures") engineSources(p, out); }
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) out.push(p);
  }
  return out.sort();
}

/** Bumped when the emit below changes what it writes from the same sources. */
const EMIT_FORMAT = "2: stripInternal";

/** A hash of the engine's sources (contents, so a fresh clone of the same commit matches). */
export function engineVersionHash(): string {
  const h = createHash("sha256");
  h.update(`${EMIT_FORMAT}\0`);
  for (const f of engineSources()) {
    h.update(`${relative(ENGINE_DIR, f)}\0`);
    h.update(readFileSync(f));
  }
  h.update(notebookGlobalsDts);
  return h.digest("hex").slice(0, 16);
}

function cacheRoot(): string {
  // Inside the package's node_modules so that `ws`, `@types/node` etc. resolve from the d.ts files.
  const preferred = join(PACKAGE_ROOT, "node_modules", ".cache", "bigdata-workbench", "kernel-types");
  try {
    mkdirSync(preferred, { recursive: true });
    return preferred;
  } catch {
    return join(tmpdir(), "bigdata-workbench-kernel-types");
  }
}

const FALLBACK_INDEX = `// The engine's public API (engine/index.ts) was not available when this file was made.
export type SparkSession = any;
export type SparkContext = any;
`;

/**
 * Returns a folder holding `index.d.ts` (the engine API), `package.json` and
 * `notebook-globals/index.d.ts`. Emits them when the engine changed since the last call.
 */
export async function ensureEngineDeclarations(log: (s: string) => void = () => {}): Promise<string> {
  const dir = join(cacheRoot(), engineVersionHash());
  if (isComplete(dir)) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const index = join(ENGINE_DIR, "index.ts");
  if (existsSync(index)) {
    const t0 = Date.now();
    const ts = (await import("typescript")).default;
    const program = ts.createProgram([index], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts"],
      types: ["node"],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      resolveJsonModule: true,
      declaration: true,
      emitDeclarationOnly: true,
      // Members tagged @internal (the Spark Connect client's protocol plumbing, runtime hooks) are
      // left out: what a notebook cannot use it need not parse (engine-declarations.test.ts).
      stripInternal: true,
      noEmitOnError: false,
      rootDir: ENGINE_DIR,
      outDir: tmp,
    });
    program.emit();
    log(`engine declarations emitted in ${Date.now() - t0} ms`);
  }
  writeDeclarationFiles(tmp, true);
  try {
    renameSync(tmp, dir);
  } catch {
    // Another kernel finished the same version first; use its copy.
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(`${dir}.lock`, { force: true });
  pruneOld(dirname(dir), dir);
  return dir;
}

function pruneOld(root: string, keep: string): void {
  try {
    const dirs = readdirSync(root).map((d) => join(root, d)).filter((d) => d !== keep && !d.includes(".tmp-") && !d.endsWith("fallback") && !d.endsWith(".lock"));
    dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    for (const d of dirs.slice(3)) rmSync(d, { recursive: true, force: true });
  } catch {
    // Pruning is best effort.
  }
}

function isComplete(dir: string): boolean {
  return existsSync(join(dir, "notebook-globals", "index.d.ts"));
}

/** The most recently emitted complete declarations of any engine version, if any. */
export function latestDeclarations(): string | undefined {
  try {
    const root = cacheRoot();
    const dirs = readdirSync(root).map((d) => join(root, d)).filter((d) => !d.includes(".tmp-") && isComplete(d));
    dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    return dirs[0];
  } catch {
    return undefined;
  }
}

/**
 * Declarations for a starting kernel without making it wait for an emit (which can take a minute
 * on a busy machine): the current version if emitted, else the latest older one (or `any` types)
 * while a background process emits the current version for the next kernel.
 */
export function declarationsForKernel(log: (s: string) => void = () => {}): string {
  const current = join(cacheRoot(), engineVersionHash());
  if (isComplete(current)) return current;
  // One emitter per engine version, however many kernels start meanwhile.
  const lock = `${current}.lock`;
  if (!emitterRunning(lock)) {
    const child = spawn(process.execPath, ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href, fileURLToPath(new URL("./emit-declarations.ts", import.meta.url))], { detached: true, stdio: "ignore" });
    child.unref();
    if (child.pid !== undefined) writeFileSync(lock, String(child.pid));
  }
  const latest = latestDeclarations();
  if (latest) {
    log(`engine declarations are being updated in the background; using ${latest} meanwhile`);
    return latest;
  }
  log("engine declarations are being emitted in the background; spark and sc are typed `any` until the next kernel start");
  const fallback = join(cacheRoot(), "fallback");
  writeDeclarationFiles(fallback, false);
  return fallback;
}

function emitterRunning(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, "utf8"));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function writeDeclarationFiles(dir: string, keepIndex: boolean): void {
  mkdirSync(join(dir, "notebook-globals"), { recursive: true });
  if (!keepIndex || !existsSync(join(dir, "index.d.ts"))) writeFileSync(join(dir, "index.d.ts"), FALLBACK_INDEX);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bigdata-workbench", types: "index.d.ts" }, null, 2));
  writeFileSync(join(dir, "notebook-globals", "package.json"), JSON.stringify({ name: "@types/bigdata-workbench-notebook", types: "index.d.ts" }, null, 2));
  writeFileSync(join(dir, "notebook-globals", "index.d.ts"), notebookGlobalsDts);
}

export function readDeclaration(dir: string): string {
  return readFileSync(join(dir, "index.d.ts"), "utf8");
}
