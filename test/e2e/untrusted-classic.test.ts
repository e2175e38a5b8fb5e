// An executed notebook that is NOT trusted, opened in the classic Notebook 6 in headless Chromium:
// its sanitizer drops SVG elements and style attributes from untrusted HTML. The workbench's
// fallbacks must still read well there: the job DAG is an image (not a jumble of its labels) that
// the browser actually draws, and the job summary's facts stay apart. Screenshot:
// test-artifacts/untrusted/classic.png.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { installBigdataKernel, makeSandbox, ROOT, WORKBENCH, type Sandbox } from "./helpers/sandbox";
import { pidsMatching, waitUntil, workbench } from "./helpers/processes";
import { findNotebookServer, freePort } from "../../kernel/cli/index";

const CHROMIUM = "/usr/bin/chromium";
const CELLS = [
  'const df = spark.createDataFrame([{ k: "a", v: 1 }, { k: "b", v: 2 }, { k: "a", v: 3 }]);\nawait df.groupBy("k").count().collect();',
  "spark.lastJob()!.dag()",
];

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
  await installBigdataKernel(sb);
}, 120_000);
afterAll(async () => {
  await sb?.cleanup();
});

describe.skipIf(!existsSync(CHROMIUM) || !findNotebookServer())("an untrusted executed notebook in the classic Notebook", () => {
  it("shows the DAG as a drawn image and the job summary readably", async () => {
    const work = join(sb.dir, "work");
    const nb = {
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { name: "bigdata", display_name: "TypeScript (Big Data Workbench)", language: "typescript" } },
      cells: CELLS.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
    };
    await writeFile(join(work, "small.ipynb"), JSON.stringify(nb));
    const ran = await workbench(["run", join(work, "small.ipynb"), "--output", join(work, "ran.ipynb"), "--no-trust"], { env: sb.env });
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);

    const port = await freePort();
    const cli = spawn(process.execPath, [WORKBENCH, "start", "--classic", "--no-browser", "--skip-install", "--port", String(port), "--notebook-dir", work], { env: sb.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    cli.stdout.on("data", (b: Buffer) => (out += b.toString()));
    cli.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
    try {
      await waitUntil(() => /token=[0-9a-f]{48}/.test(out), 60_000, `the URL line in:\n${out}`);
      const token = out.match(/token=([0-9a-f]{48})/)![1]!;
      const page = await browser.newPage({ viewport: { width: 1300, height: 1200 } });
      await page.goto(`http://127.0.0.1:${port}/notebooks/ran.ipynb?token=${token}`);
      await page.waitForSelector(".output_area", { timeout: 60_000 });
      await page.getByText("Not Trusted").first().waitFor({ timeout: 30_000 });

      const dagOutput = page.locator(".cell").nth(1).locator(".output_subarea");
      const img = dagOutput.locator('img[src^="data:image/svg+xml;base64,"]');
      await img.first().waitFor({ timeout: 30_000 });
      // drawn: the browser decoded the SVG (a broken image has no natural size)
      await waitUntil(async () => (await img.first().evaluate((e) => (e as unknown as { naturalWidth: number }).naturalWidth)) > 100, 10_000, "the DAG image to decode");
      // no SVG text left behind by the sanitizer: just the title line
      const dagText = (await dagOutput.innerText()).trim();
      expect(dagText).toMatch(/^Job \d+: collect at <cell 1>:2$/);

      const summary = (await page.locator(".cell").first().locator(".output_subarea").first().innerText()).replace(/\s+/g, " ");
      expect(summary).toMatch(/duration: \d+ ms · stages: \d+ · tasks: \d+/);

      await mkdir(join(ROOT, "test-artifacts", "untrusted"), { recursive: true });
      await page.screenshot({ path: join(ROOT, "test-artifacts", "untrusted", "classic.png"), fullPage: true });
    } finally {
      await browser.close();
      cli.kill("SIGINT");
      await waitUntil(() => cli.exitCode !== null, 20_000, "workbench start to exit").catch(() => cli.kill("SIGKILL"));
      for (const p of pidsMatching(`--port=${port}`)) { try { process.kill(p, "SIGKILL"); } catch { /* gone */ } }
    }
  }, 240_000);
});
