// The engine's layering (docs/architecture.md): a lower layer never imports a higher one, nor a
// stage room of engine/sql a later one, no import cycles, and the engine never imports the kernel,
// notebooks or tests.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("architecture", () => {
  it("engine layers and engine/sql's stage rooms import downward only, every engine folder is a layer, no cycles (runtime or, outside the listed mutually recursive types, type-only); the kernel uses the public API and the extension only engine/viz", () => {
    const r = spawnSync(process.execPath, ["node_modules/dependency-cruiser/bin/dependency-cruise.mjs", "engine", "kernel", "extensions/bigdata-mime/src", "--config", ".dependency-cruiser.cjs", "--output-type", "err"], { cwd: root, encoding: "utf8" });
    expect(r.stdout + r.stderr).toContain("no dependency violations found");
    expect(r.status).toBe(0);
  });

  it("the rules refuse what they name: an upward import between sql rooms, a folder that is not a layer, a type-only cycle", () => {
    // A small tree with the engine's paths, cruised with the project's configuration.
    const dir = mkdtempSync(join(tmpdir(), "bdw-layers-"));
    try {
      const files: Record<string, string> = {
        "tsconfig.json": JSON.stringify({ compilerOptions: { module: "esnext", moduleResolution: "bundler", strict: true } }),
        "engine/sql/execution/run.ts": "export const run = 1;\n",
        "engine/sql/analysis/bind.ts": 'import { run } from "../execution/run";\nexport const bind = run;\n',
        "engine/common/base.ts": "export const base = 1;\n",
        "engine/gadgets/thing.ts": 'import { base } from "../common/base";\nexport const thing = base;\n',
        "engine/graph/a.ts": 'import type { B } from "./b";\nexport interface A { b?: B }\n',
        "engine/graph/b.ts": 'import type { A } from "./a";\nexport interface B { a?: A }\n',
      };
      for (const [f, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), text);
      }
      const r = spawnSync(process.execPath, [join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs"), "engine", "--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "err"], { cwd: dir, encoding: "utf8" });
      const out = r.stdout + r.stderr;
      expect(out).toMatch(/sql-no-upward-from-analysis: engine\/sql\/analysis\/bind\.ts → engine\/sql\/execution\/run\.ts/);
      expect(out).toMatch(/engine-folder-is-a-layer: engine\/gadgets\/thing\.ts/);
      expect(out).toMatch(/no-type-cycles: engine\/graph\/(a|b)\.ts/);
      expect(r.status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the public API is importable as the package and exposes the PySpark entry points", async () => {
    const api = await import("../../engine/index");
    for (const name of ["SparkSession", "SparkContext", "RDD", "StorageLevel", "runWorker", "DataFrame", "functions", "F", "Window", "StructType"]) {
      expect(api, name).toHaveProperty(name);
    }
  });
});
