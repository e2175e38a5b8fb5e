// A newcomer's first hour, end to end: a fresh HOME (no Jupyter config, no kernels), a fresh clone
// of this repository, `npm ci`, `npm start` as the README says, then L06 opened in headless
// Chromium, Run All, and every code cell must have run without an error output. Screenshot:
// test-artifacts/newcomer/L06.png. It also checks what `npm start` prints: its steps, the kernel's
// place, and one URL as the last line, with Jupyter's own lines kept in its log file.
//
// Only the download caches are shared with the machine (npm's and pip's), so the test does not
// fetch every package again; everything else (node_modules, .jupyter-venv, the extension build,
// the kernelspec) is made from scratch in the clone.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { makeSandbox, ROOT, type Sandbox } from "./helpers/sandbox";
import { pidsMatching, runProcess, waitUntil } from "./helpers/processes";
import { freePort } from "../../kernel/cli/index";
import { findBasePython } from "../../kernel/cli/jupyter-lab-env";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-artifacts", "newcomer");
const isClone = existsSync(join(ROOT, ".git"));

let sb: Sandbox;
let clone = "";
let env: NodeJS.ProcessEnv = {};
beforeAll(async () => {
  sb = await makeSandbox();
  clone = join(sb.dir, "bigdata-workbench");
  env = {
    ...sb.env,
    // a newcomer's shell: none of the test run's Jupyter or Python pointers
    JUPYTER_PATH: undefined, WORKBENCH_JUPYTER_VENV: undefined, VIRTUAL_ENV: undefined, PYTHONNOUSERSITE: undefined,
    CI: undefined, VITEST: undefined, NODE_OPTIONS: undefined,
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), ".npm"),
    npm_config_prefer_offline: "true",
    PIP_CACHE_DIR: process.env.PIP_CACHE_DIR ?? join(homedir(), ".cache", "pip"),
  };
  for (const k of Object.keys(env)) if (env[k] === undefined || k.startsWith("npm_lifecycle") || k === "npm_package_json") delete env[k];
}, 60_000);
afterAll(async () => {
  await sb?.cleanup();
});

describe.skipIf(!existsSync(CHROMIUM) || !findBasePython() || !isClone)("a newcomer on a fresh machine", () => {
  it("clones, runs npm ci and npm start, and runs all of L06 in JupyterLab", async () => {
    const cloned = spawnSync("git", ["clone", "--quiet", ROOT, clone], { encoding: "utf8" });
    expect(cloned.status, cloned.stderr).toBe(0);
    const ci = await runProcess("npm", ["ci"], { cwd: clone, env, timeoutMs: 600_000 });
    expect(ci.code, ci.stdout + ci.stderr).toBe(0);
    // npm's install-script review is answered in package.json (allowScripts)
    expect(ci.stdout + ci.stderr).not.toMatch(/install scripts not yet covered/);

    const port = await freePort();
    const start = spawn("npm", ["start", "--", "--no-browser", "--port", String(port)], { cwd: clone, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    start.stdout.on("data", (b: Buffer) => (out += b.toString()));
    start.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      await waitUntil(() => /lab\?token=[0-9a-f]{48}/.test(out) || start.exitCode !== null, 900_000, `the URL line in:\n${out}`);
      expect(start.exitCode, out).toBeNull();
      // what it printed: its steps, where the kernel went (inside the clone), one URL last
      expect(out).toMatch(/workbench start: checking JupyterLab 4/);
      expect(out).toContain(`Kernel "bigdata" registered in ${join(clone, ".jupyter-venv")}`);
      expect(out).toMatch(/its log: \S+jupyter-\d+\.log/);
      expect(out).not.toMatch(/Jupyter Server .* is running at|frozen modules/);
      const lines = out.trimEnd().split("\n").filter((l) => l.trim());
      expect(lines.filter((l) => /https?:\/\/\S+token=/.test(l)).length).toBe(1);
      expect(lines.at(-1)).toMatch(/Press Ctrl-C to stop\./);
      const token = out.match(/lab\?token=([0-9a-f]+)/)![1]!;
      const base = `http://127.0.0.1:${port}`;

      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`${base}/lab/tree/L06-spark-basics.ipynb?token=${token}`);
      await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 120_000 });
      await page.getByText(/Big Data Workbench\) \| Idle/).waitFor({ timeout: 120_000 });
      await page.click('.lm-MenuBar-itemLabel:text-is("Run")');
      await page.click('.lm-Menu-itemLabel:text-is("Run All Cells")');

      // Done when the kernel has been idle for 3 s in a row after it got busy.
      const kernelState = async () => {
        const ks = (await (await fetch(`${base}/api/kernels`, { headers: { Authorization: `token ${token}` } })).json()) as Array<{ execution_state: string }>;
        return ks.map((k) => k.execution_state);
      };
      await waitUntil(async () => (await kernelState()).includes("busy"), 60_000, "the kernel to get busy");
      let idleSince = 0;
      await waitUntil(async () => {
        const idle = (await kernelState()).every((s) => s === "idle");
        if (!idle) idleSince = 0;
        else if (!idleSince) idleSince = Date.now();
        return idle && Date.now() - idleSince > 3_000;
      }, 600_000, "Run All to finish");
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "L06.png") });
      // the first screen is the notebook: no "get notified about Jupyter news?" prompt over it
      expect(await page.getByText(/notified about official Jupyter news/).count()).toBe(0);

      // Save, then read what ran from the notebook file itself (JupyterLab draws only the cells in view).
      await page.keyboard.press("Control+s");
      const nbPath = join(clone, "notebooks", "L06-spark-basics.ipynb");
      type Cell = { cell_type: string; execution_count: number | null; outputs?: Array<{ output_type: string; ename?: string; evalue?: string }> };
      let cells: Cell[] = [];
      await waitUntil(async () => {
        // JupyterLab may be halfway through writing the file: a partial file is "not yet", not a failure.
        let saved: { cells: Cell[] };
        try { saved = JSON.parse(await readFile(nbPath, "utf8")) as { cells: Cell[] }; } catch { return false; }
        cells = saved.cells.filter((c) => c.cell_type === "code");
        return cells.every((c) => c.execution_count !== null);
      }, 30_000, "the saved notebook to show every code cell run");
      const errors = cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`));
      expect(errors).toEqual([]);
      expect(cells.length).toBeGreaterThan(10);
      // the pictures came out: the DAG of a job is drawn by the extension's renderer in the page
      await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
      expect(await page.locator(".jp-RenderedHTMLCommon .bdw-dag").count()).toBe(0);
    } finally {
      await browser.close();
      try { process.kill(-start.pid!, "SIGINT"); } catch { /* gone */ }
      await waitUntil(() => start.exitCode !== null, 30_000, "npm start to exit").catch(() => { try { process.kill(-start.pid!, "SIGKILL"); } catch { /* gone */ } });
      for (const p of pidsMatching(`--port=${port}`)) { try { process.kill(p, "SIGKILL"); } catch { /* gone */ } }
    }
  }, 1_800_000);
});
