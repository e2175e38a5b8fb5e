// The kernel's prebuilt bundle (kernel/bundle.mjs): built from the sources, with each module's
// import.meta.url still naming its own source file, and an engine that runs jobs from it.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("kernel bundle", () => {
  it("builds the kernel, its threads and the engine, and the bundled engine runs a job", async () => {
    const { kernelBundle } = (await import(new URL("../../kernel/bundle.mjs", import.meta.url).href)) as { kernelBundle: () => Promise<Record<string, string> | undefined> };
    const b = (await kernelBundle())!;
    expect(b).toBeDefined();
    for (const k of ["kernel", "ioThread", "compileThread", "engine"]) expect(existsSync(fileURLToPath(b[k]!)), k).toBe(true);
    // No module of the package reads the bundle's own location as its import.meta.url.
    const kernel = readFileSync(fileURLToPath(b.kernel!), "utf8");
    expect(kernel).toMatch(/new URL\("(\.\.\/)+kernel\/notebook-session\.ts", import\.meta\.url\)/);
    expect(kernel.replace(/new URL\("[^"]*", import\.meta\.url\)/g, "")).not.toContain("import.meta.url");
    // The engine is CommonJS, required (import.meta.url replaced by the bundle's own URL, so its
    // sources' relative URLs still name their files); the same API: its paths (workers' bundle,
    // package root) resolve.
    expect(b.engine).toMatch(/\/engine\/index\.cjs$/);
    const engineText = readFileSync(fileURLToPath(b.engine!), "utf8");
    expect(engineText).not.toMatch(/import\.meta\.\w/);
    expect(engineText).toMatch(/new URL\("(\.\.\/)+engine\/session\/worker-bundle\.ts", __bundleUrl\)/);
    const engine = createRequire(import.meta.url)(fileURLToPath(b.engine!)) as typeof import("../../engine/index");
    const spark = await engine.SparkSession.builder().master("local[1]").appName("kernel-bundle-test").getOrCreate();
    try {
      expect(await spark.sparkContext.parallelize([1, 2, 3, 4], 2).map((x: number) => x * 10).collect()).toEqual([10, 20, 30, 40]);
      expect((await spark.range(5).count())).toBe(5);
    } finally {
      await spark.stop();
    }
  }, 180_000);

  it("the local workers' bundle is CommonJS: the process entry and the executor thread's module", async () => {
    const { workerBundle } = await import("../../engine/session/worker-bundle");
    const w = workerBundle()!;
    expect(w.entry).toMatch(/worker-entry\.cjs$/);
    expect(w.executorModule).toMatch(/executor-thread\.cjs$/);
    for (const file of [w.entry, fileURLToPath(w.executorModule)]) {
      const text = readFileSync(file, "utf8");
      expect(text.startsWith('"use strict";')).toBe(true);
      expect(text).not.toMatch(/import\.meta\.\w/);
    }
  });
});
