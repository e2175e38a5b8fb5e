// The V8 code cache the kernel loads tslab's TypeScript with (code-cache.ts): the module loads as
// require would load it, its cache is written once, a later process compiles from it, and a cache
// V8 refuses (garbage, or a changed file) is replaced, never fatal.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadedFromCache, requireWithCodeCache, saveCodeCaches } from "./code-cache";

const dir = mkdtempSync(join(tmpdir(), "bdw-code-cache-"));
const cacheDir = join(dir, "cache");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads `file` with the code cache in a fresh node process: whether V8 took the cache, and the module's answer. */
function loadInChild(file: string): { fromCache: boolean; answer: number } {
  const tsx = createRequire(import.meta.url).resolve("tsx");
  const script = `
    const { loadedFromCache, requireWithCodeCache, saveCodeCaches } = await import(${JSON.stringify(fileURLToPath(new URL("./code-cache.ts", import.meta.url)))});
    const m = requireWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(cacheDir)});
    const fromCache = loadedFromCache(${JSON.stringify(file)});
    saveCodeCaches();
    console.log(JSON.stringify({ fromCache, answer: m.answer(20) }));`;
  return JSON.parse(execFileSync(process.execPath, ["--import", tsx, "--input-type=module", "-e", script], { encoding: "utf8" }).trim()) as { fromCache: boolean; answer: number };
}

describe("code cache", () => {
  const file = join(dir, "mod.cjs");
  writeFileSync(file, `const { basename } = require("node:path");\nexports.name = basename(__filename);\nexports.answer = (x) => x * 2 + 2;\nexports.self = module;\n`);

  it("loads a CommonJS file as require does and puts it in require's cache", () => {
    const m = requireWithCodeCache(file, cacheDir) as { name: string; answer: (x: number) => number; self: NodeJS.Module };
    expect(m.name).toBe("mod.cjs");
    expect(m.answer(20)).toBe(42);
    expect(m.self.filename).toBe(file);
    expect(createRequire(file)(file)).toBe(m);
    expect(requireWithCodeCache(file, cacheDir)).toBe(m);
    expect(loadedFromCache(file)).toBe(false);
  });

  it("writes the cache once; a later process compiles from it", () => {
    expect(saveCodeCaches()).toBe(1);
    expect(saveCodeCaches()).toBe(0);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith(".bin"))).toHaveLength(1);
    expect(loadInChild(file)).toEqual({ fromCache: true, answer: 42 });
  });

  it("a cache V8 refuses is replaced; a changed file gets a new cache and the old one goes", () => {
    const [bin] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, bin!), Buffer.from("not a code cache"));
    expect(loadInChild(file)).toEqual({ fromCache: false, answer: 42 });
    expect(readFileSync(join(cacheDir, bin!)).toString()).not.toBe("not a code cache");
    expect(loadInChild(file)).toEqual({ fromCache: true, answer: 42 });

    writeFileSync(file, `exports.answer = (x) => x + 1;\n`);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(loadInChild(file)).toEqual({ fromCache: false, answer: 21 });
    const bins = readdirSync(cacheDir).filter((f) => f.endsWith(".bin"));
    expect(bins).toHaveLength(1);
    expect(bins[0]).not.toBe(bin);
  });
});
