// The engine declarations every notebook kernel's checker parses at start (kernel/typing/
// engine-declarations.ts): the public API, without the packages only the engine's insides use.
// Each one left in costs every kernel start (measured: Spark Connect's generated protobuf types,
// danfojs' and vega-lite's declarations were 1.7 MB and a fifth of the compiler thread's start).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { ensureEngineDeclarations } from "../../kernel/typing/engine-declarations";

/** TypeScript's messages for `source`, a file beside the declarations. */
function diagnostics(dir: string, source: string): string[] {
  const file = join(dir, "__check__.ts");
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true, skipLibCheck: true, types: ["node"], lib: ["lib.es2022.d.ts"] };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? source : read(f));
  host.fileExists = ((exists) => (f: string) => f === file || exists(f))(host.fileExists.bind(host));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

/** The declaration files reachable from index.d.ts through relative imports, and the packages they import. */
function reachable(root: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>(), packages = new Set<string>();
  const queue = [join(root, "index.d.ts")];
  while (queue.length > 0) {
    const f = queue.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    for (const m of readFileSync(f, "utf8").matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)"([^"]+)"/gm)) {
      const spec = m[1]!;
      if (!spec.startsWith(".")) { packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!); continue; }
      const base = resolve(dirname(f), spec);
      const next = [`${base}.d.ts`, join(base, "index.d.ts")].find((c) => existsSync(c));
      if (next) queue.push(next);
    }
  }
  return { files, packages };
}

describe("engine declarations for the kernel", () => {
  it("hold the public API and none of the engine's internal packages", async () => {
    const dir = await ensureEngineDeclarations();
    const { files, packages } = reachable(dir);
    const rel = [...files].map((f) => f.slice(dir.length + 1));
    expect(rel).toContain("connect/remote-session.d.ts");
    expect(rel.filter((f) => f.startsWith("connect/gen/"))).toEqual([]);
    for (const p of ["@bufbuild/protobuf", "danfojs-node", "vega-lite", "vega"]) expect(packages, p).not.toContain(p);

    // The public names type-check from the declarations alone (and a misuse does not).
    expect(diagnostics(dir, `import { SparkSession, GraphFrame, viz, type RemoteSparkSession, type DanfoFrame } from "./index";
      export async function f(r: RemoteSparkSession, d: DanfoFrame): Promise<string> {
        const spark = await SparkSession.builder().master("local[1]").getOrCreate();
        const g: GraphFrame | undefined = undefined; void g; void d.shape; void r.range(3).count();
        return viz.vegaLiteToSvg({ mark: "bar", data: { values: [{ x: 1 }] } });
      }`)).toEqual([]);
    expect(diagnostics(dir, `import type { RemoteSparkSession } from "./index";\nexport const c = (r: RemoteSparkSession) => r.client;`).join("\n")).toMatch(/Property 'client' does not exist/);
    // Members tagged @internal are left out; the rest of the class stays.
    const remote = readFileSync(join(dir, "connect", "remote-session.d.ts"), "utf8");
    expect(remote).not.toMatch(/\bclient\b\s*:/);
    expect(remote).toMatch(/\bsql\(query: string\): DataFrame;/);
    // A public function keeps its documented signature, with vega-lite's spec as plain data.
    const timeline = readFileSync(join(dir, "viz", "task-timeline.d.ts"), "utf8");
    expect(timeline).toMatch(/export declare function vegaLiteToSvg\(spec: VegaLiteSpec\): Promise<string>;/);
  }, 180_000);
});
