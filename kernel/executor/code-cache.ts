// A V8 code cache for the CommonJS files the kernel loads on every start, above all the 8 MB
// TypeScript compiler tslab bundles: it is loaded by the kernel's main thread (tslab's executor
// reads cell metadata with it) and by the compiler thread, and compiling its source and then the
// functions a converter runs is a tenth of the compiler thread's start. With the cache, V8
// deserializes the compiled code instead (measured: the compiler thread ready ~100-200 ms sooner).
//
// The cache of a file is written once, by the compiler thread after its first conversion (so it
// holds the functions creating a converter and checking a cell ran, not only the top level), into
// node_modules/.cache/bigdata-workbench/code-cache, keyed by the file's path, size and mtime and by
// node's version. V8 checks the rest (its version, flags and the source) and rejects a cache that
// does not fit: the file is then compiled as usual and its cache written again. Nothing here can
// fail a kernel: any error falls back to node's own require.

import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

interface Loaded { file: string; script: Script; cacheFile: string; fromCache: boolean; fresh: boolean }
const loaded: Loaded[] = [];

/** Node's internals used to load a CommonJS file by hand, as require does. */
const ModuleInternals = Module as unknown as {
  new (id: string, parent?: unknown): NodeJS.Module & { paths: string[]; loaded: boolean };
  _cache: Record<string, NodeJS.Module>;
  _nodeModulePaths(dir: string): string[];
  wrap(source: string): string;
};

/** The cache file of `file` under `cacheDir`, or undefined when the file cannot be read. */
function cacheFileOf(file: string, cacheDir: string): string | undefined {
  try {
    const st = statSync(file);
    const key = createHash("sha256").update(`${file}\0${st.size}\0${st.mtimeMs}\0${process.version}\0${process.arch}`).digest("hex").slice(0, 16);
    return join(cacheDir, `${file.split("/").pop()}-${key}.bin`);
  } catch {
    return undefined;
  }
}

/**
 * `require(file)` for a CommonJS file, compiled with its code cache under `cacheDir` when there
 * is one V8 accepts. The module lands in require's cache, so a later `require` of the same file
 * (by any module of this thread) gets it. Falls back to plain require on any error.
 */
export function requireWithCodeCache(file: string, cacheDir: string): unknown {
  const cache = ModuleInternals._cache;
  if (cache[file]) return cache[file]!.exports;
  const cacheFile = cacheFileOf(file, cacheDir);
  if (!cacheFile) return createRequire(file)(file);
  let script: Script;
  let cachedData: Buffer | undefined;
  try {
    try { cachedData = readFileSync(cacheFile); } catch { /* not written yet */ }
    script = new Script(ModuleInternals.wrap(readFileSync(file, "utf8")), { filename: file, cachedData });
  } catch {
    return createRequire(file)(file);
  }
  const m = new ModuleInternals(file);
  m.filename = file;
  m.paths = ModuleInternals._nodeModulePaths(dirname(file));
  cache[file] = m;
  try {
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;
    wrapper.call(m.exports, m.exports, createRequire(file), m, file, dirname(file));
    m.loaded = true;
  } catch (e) {
    delete cache[file];
    throw e;
  }
  const fromCache = cachedData !== undefined && script.cachedDataRejected === false;
  loaded.push({ file, script, cacheFile, fromCache, fresh: !fromCache });
  return m.exports;
}

/** Whether this thread compiled `file` from its code cache (undefined: not loaded by requireWithCodeCache). */
export function loadedFromCache(file: string): boolean | undefined {
  return loaded.find((l) => l.file === file)?.fromCache;
}

/**
 * Writes the code cache of every file this thread loaded without an accepted one (best effort;
 * returns how many were written). Call it once the code worth caching has run.
 */
export function saveCodeCaches(): number {
  let n = 0;
  for (const l of loaded) {
    if (!l.fresh) continue;
    l.fresh = false;
    try {
      mkdirSync(dirname(l.cacheFile), { recursive: true });
      const tmp = `${l.cacheFile}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      writeFileSync(tmp, l.script.createCachedData());
      renameSync(tmp, l.cacheFile);
      n++;
      // The caches of the file's earlier versions (same name, another key) go.
      const dir = dirname(l.cacheFile), name = l.cacheFile.slice(dir.length + 1), base = name.replace(/-[0-9a-f]{16}\.bin$/, "-");
      for (const f of readdirSync(dir)) if (f.startsWith(base) && f !== name && /-[0-9a-f]{16}\.bin$/.test(f)) rmSync(join(dir, f), { force: true });
    } catch {
      // A read-only install keeps compiling from source.
    }
  }
  return n;
}
