// The engine's layering (docs/architecture.md): a lower layer never imports a higher one, no
// runtime import cycles, and the engine never imports the kernel, notebooks or tests.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("architecture", () => {
  it("engine layers import downward only, without runtime cycles; the kernel uses the public API and the extension only engine/viz", () => {
    const r = spawnSync(process.execPath, ["node_modules/dependency-cruiser/bin/dependency-cruise.mjs", "engine", "kernel", "extensions/bigdata-mime/src", "--config", ".dependency-cruiser.cjs", "--output-type", "err"], { cwd: root, encoding: "utf8" });
    expect(r.stdout + r.stderr).toContain("no dependency violations found");
    expect(r.status).toBe(0);
  });

  it("the public API is importable as the package and exposes the PySpark entry points", async () => {
    const api = await import("../../engine/index");
    for (const name of ["SparkSession", "SparkContext", "RDD", "StorageLevel", "runWorker", "DataFrame", "functions", "F", "Window", "StructType"]) {
      expect(api, name).toHaveProperty(name);
    }
  });
});
