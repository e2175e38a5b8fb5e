// Displaying a DataFrame runs jobs of the kernel's own (a collect for the rows, a count for
// "showing N of M rows", a sampling job for a sort): they belong to the user's action. Each
// display shows one progress panel, labelled with the user's call site ("show at <cell 2>:1"),
// never the kernel's files or "<unknown>". And the executed notebook `workbench run` writes is
// signed in the user's Jupyter trust database, so Jupyter opens it trusted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox, type Sandbox } from "./helpers/sandbox";
import { makeNotebook, normalizedOutputs } from "./helpers/notebooks";
import { workbench } from "./helpers/processes";

const bigdataReady = kernelInstallerExists() && (await engineReady());

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
  if (bigdataReady) await installBigdataKernel(sb);
}, 300_000);
afterAll(async () => {
  await sb?.cleanup();
});

describe.skipIf(!bigdataReady)("progress panels of displayed values", () => {
  it("shows one panel per display, named after the user's cell line", async () => {
    const input = join(sb.dir, "work", "panels.ipynb");
    await writeFile(input, JSON.stringify(makeNotebook({ name: "bigdata", language: "typescript" }, [
      { source: "const df = spark.range(0, 100).selectExpr(\"id % 3 as k\", \"id\").groupBy(\"k\").count();" },
      { source: "df" },
      { source: "const note = \"sorted\";\n\ndf.orderBy(\"k\")" },
      { source: "await display(df.limit(2));" },
      { source: "await df.count()" },
    ])));
    const res = await workbench(["run", input, "--output", "-", "--quiet"], { env: sb.env, timeoutMs: 240_000 });
    expect(res.code, res.stderr).toBe(0);
    const outs = normalizedOutputs(JSON.parse(res.stdout));
    const panels = (i: number) => outs[i]!.filter((o) => o.output_type === "display_data" && /^Job \d+/.test(String(o.data?.["text/plain"] ?? "")))
      .map((o) => String(o.data!["text/plain"]).split("\n")[0]);
    expect(panels(1)).toHaveLength(1);
    expect(panels(1)[0]).toMatch(/^Job \d+ SUCCEEDED: show at <cell 2>:1$/);
    expect(panels(2)).toHaveLength(1);
    expect(panels(2)[0]).toMatch(/SUCCEEDED: show at <cell 3>:3$/);
    expect(panels(3)).toHaveLength(1);
    expect(panels(3)[0]).toMatch(/SUCCEEDED: display at <cell 4>:1$/);
    expect(panels(4)).toEqual([expect.stringMatching(/SUCCEEDED: count at <cell 5>:1$/)]);
    const all = JSON.stringify(outs);
    expect(all).not.toMatch(/display\.ts|<unknown>/);
  }, 300_000);

  it("signs the notebook it writes, so Jupyter opens it trusted (and --no-trust leaves it unsigned)", async () => {
    const input = join(sb.dir, "work", "trust.ipynb");
    await writeFile(input, JSON.stringify(makeNotebook({ name: "bigdata", language: "typescript" }, [{ source: "spark.range(3)" }])));
    const trusted = (file: string) => spawnSync("/usr/bin/python3", ["-c",
      "import sys, nbformat\nfrom nbformat.sign import NotebookNotary\nprint(NotebookNotary().check_signature(nbformat.read(sys.argv[1], as_version=4)))", file],
    { env: sb.env, encoding: "utf8" }).stdout.trim();
    const signed = join(sb.dir, "work", "trust.out.ipynb");
    const res = await workbench(["run", input, "--output", signed], { env: sb.env, timeoutMs: 240_000 });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("signed: Jupyter opens it trusted");
    expect(trusted(signed)).toBe("True");
    const unsigned = join(sb.dir, "work", "trust.unsigned.ipynb");
    await writeFile(input, JSON.stringify(makeNotebook({ name: "bigdata", language: "typescript" }, [{ source: "spark.range(4)" }])));
    expect((await workbench(["run", input, "--output", unsigned, "--no-trust"], { env: sb.env, timeoutMs: 240_000 })).code).toBe(0);
    expect(trusted(unsigned)).toBe("False");
  }, 300_000);
});
