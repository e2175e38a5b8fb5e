// The workbench in a real JupyterLab 4 in headless Chromium: `workbench start` (project
// environment with the prebuilt bigdata-workbench-mime extension) serves a notebook whose cell runs
// a DataFrame action and shows the job's DAG; the DAG must be drawn by the extension's renderer
// (the .bdw-output widget mount() fills, with its details slot), not by the text/html fallback.
// Screenshot: test-artifacts/lab/dag.png.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { makeSandbox, ROOT, WORKBENCH, type Sandbox } from "./helpers/sandbox";
import { pidsMatching, waitUntil } from "./helpers/processes";
import { freePort } from "../../kernel/cli/index";
import { ensureLabEnv, findBasePython } from "../../kernel/cli/jupyter-lab-env";
import { ensureLabExtension } from "../../kernel/cli/lab-extension";

const CHROMIUM = "/usr/bin/chromium";
const CELL = [
  'const df = spark.createDataFrame([{ k: "a", v: 1 }, { k: "b", v: 2 }, { k: "a", v: 3 }, { k: "c", v: 4 }]);',
  'console.log(await df.groupBy("k").count().collect());',
  "spark.lastJob()!.dag()",
].join("\n");

let sb: Sandbox;
let ready = false;
beforeAll(async () => {
  sb = await makeSandbox();
  const env = findBasePython() ? ensureLabEnv((m) => console.error(m)) : undefined;
  ready = !!env && ensureLabExtension(env, (m) => console.error(m));
}, 600_000);
afterAll(async () => {
  await sb?.cleanup();
});

describe.skipIf(!existsSync(CHROMIUM) || !findBasePython())("JupyterLab in chromium", () => {
  it("draws a job's DAG with the extension's renderer", async () => {
    expect(ready, "JupyterLab environment and extension").toBe(true);
    const nb = {
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { name: "bigdata", display_name: "TypeScript (Big Data Workbench)", language: "typescript" } },
      cells: [{ cell_type: "code", id: "dag-cell", metadata: {}, source: CELL, outputs: [], execution_count: null }],
    };
    await writeFile(join(sb.dir, "work", "dag.ipynb"), JSON.stringify(nb));
    const port = await freePort();
    const cli = spawn(process.execPath, [WORKBENCH, "start", "--no-browser", "--port", String(port), "--notebook-dir", join(sb.dir, "work")], {
      env: sb.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    cli.stdout.on("data", (b: Buffer) => (out += b.toString()));
    cli.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      await waitUntil(() => /lab\?token=[0-9a-f]{48}/.test(out), 90_000, `the URL line in:\n${out}`);
      const token = out.match(/lab\?token=([0-9a-f]+)/)![1]!;
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const consoleLines: string[] = [];
      page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
      await page.goto(`http://127.0.0.1:${port}/lab/tree/dag.ipynb?token=${token}`);
      // The kernel is up when the status bar says "<kernel> | Idle".
      await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 60_000 });
      await page.getByText(/Big Data Workbench\) \| Idle/).waitFor({ timeout: 60_000 });
      await page.click(".jp-Notebook .jp-Cell .jp-InputArea-editor");
      await page.keyboard.press("Shift+Enter");
      const drawn = await page.waitForSelector(".jp-OutputArea-output.bdw-output .bdw-dag svg", { timeout: 60_000 }).catch(async (e: unknown) => {
        await mkdir(join(ROOT, "test-artifacts", "lab"), { recursive: true });
        await page.screenshot({ path: join(ROOT, "test-artifacts", "lab", "failure.png"), fullPage: true });
        const outputs = await page.evaluate(() => {
          const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ className: string; innerHTML: string }> } }).document;
          return Array.from(d.querySelectorAll(".jp-OutputArea-output")).map((o) => `${o.className}: ${o.innerHTML.slice(0, 300)}`);
        });
        throw new Error(`${String(e)}\nbrowser console:\n${consoleLines.join("\n")}\noutputs:\n${outputs.join("\n")}`);
      });
      expect(drawn).toBeTruthy();
      // mount() adds the details slot; the text/html fallback (jp-RenderedHTML) must not be used.
      expect(await page.locator(".jp-OutputArea-output.bdw-output .bdw-details-slot").count()).toBe(1);
      expect(await page.locator(".jp-RenderedHTMLCommon .bdw-dag").count()).toBe(0);
      await mkdir(join(ROOT, "test-artifacts", "lab"), { recursive: true });
      await page.screenshot({ path: join(ROOT, "test-artifacts", "lab", "dag.png"), fullPage: true });
    } finally {
      await browser.close();
      cli.kill("SIGINT");
      await waitUntil(() => cli.exitCode !== null, 20_000, "workbench start to exit").catch(() => cli.kill("SIGKILL"));
      for (const p of pidsMatching(`--port=${port}`)) process.kill(p, "SIGKILL");
    }
  }, 240_000);
});
