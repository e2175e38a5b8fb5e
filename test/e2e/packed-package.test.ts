// The package used as a newcomer would from outside the repository: `npm pack` the checkout,
// install the tarball into an empty folder, and run the README's script there with `npx tsx`
// (the engine ships as TypeScript; tsx is one of its dependencies). The danfojs interop is an
// optional peer: without it, toDanfo() says what to install instead of failing to import.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
const root = resolve(__dirname, "../..");
let dir: string;
let app: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "packed-"));
  app = join(dir, "app");
  mkdirSync(app);
  await exec("npm", ["pack", "--pack-destination", dir], { cwd: root, timeout: 120_000 });
  const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", type: "module", private: true }));
  await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, tgz)], { cwd: app, timeout: 600_000 });
}, 660_000);
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe("the packed package in an empty folder", () => {
  it("runs the README's script with npx tsx", async () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const script = /```ts\n(\/\/ wordcount\.mts[\s\S]*?)```/.exec(readme)![1]!;
    writeFileSync(join(app, "wordcount.mts"), script);
    writeFileSync(join(app, "README.md"), "to be or not\nto be or not\n");
    const { stdout } = await exec("npx", ["--no-install", "tsx", "wordcount.mts"], { cwd: app, timeout: 120_000 });
    for (const w of ["to", "be", "or", "not"]) expect(stdout).toContain(`[ '${w}', 2 ]`);
    expect(stdout).toContain("'0 ShuffleMapStage COMPLETE', '1 ResultStage COMPLETE'");
  }, 180_000);

  it("says which package to install when danfojs-node is absent", async () => {
    writeFileSync(join(app, "danfo.mts"), `
import { SparkSession } from "bigdata-workbench";
const spark = await SparkSession.builder().master("local[1]").getOrCreate();
try { await spark.range(3).toDanfo(); } catch (e) { console.log(String((e as Error).name) + ": " + (e as Error).message); }
await spark.stop();
`);
    const { stdout } = await exec("npx", ["--no-install", "tsx", "danfo.mts"], { cwd: app, timeout: 120_000 });
    expect(stdout).toContain("npm install danfojs-node@1.2.0");
    expect(stdout).toContain("MISSING_DEPENDENCY");
  }, 180_000);
});
