// A real JupyterLab 4 (`workbench start`: the project environment with the prebuilt extension)
// and headless Chromium driving it, for the browser tests: start both, open notebooks, run cells,
// keep screenshots under test-artifacts/lab/, and stop everything.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT, WORKBENCH, type Sandbox } from "./sandbox";
import { pidsMatching, waitUntil } from "./processes";
import { freePort } from "../../../kernel/cli/index";
import { ensureLabEnv, findBasePython } from "../../../kernel/cli/jupyter-lab-env";
import { ensureLabExtension } from "../../../kernel/cli/lab-extension";

export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(ROOT, "test-artifacts", "lab");

/** Builds the lab environment and installs the extension (once per test file); false when it could not. */
export function prepareLab(): boolean {
  const env = findBasePython() ? ensureLabEnv((m) => console.error(m)) : undefined;
  return !!env && ensureLabExtension(env, (m) => console.error(m));
}

export interface LabServer {
  port: number;
  token: string;
  browser: Browser;
  /** What `workbench start` printed so far. */
  output(): string;
  /** A new page with its console lines collected. */
  open(path: string): Promise<{ page: Page; console: string[] }>;
  stop(): Promise<void>;
}

export async function startLab(sb: Sandbox, notebookDir: string): Promise<LabServer> {
  const port = await freePort();
  const cli: ChildProcess = spawn(process.execPath, [WORKBENCH, "start", "--no-browser", "--port", String(port), "--notebook-dir", notebookDir], {
    env: sb.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  cli.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  cli.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const stop = async () => {
    await browser.close().catch(() => {});
    cli.kill("SIGINT");
    await waitUntil(() => cli.exitCode !== null, 20_000, "workbench start to exit").catch(() => cli.kill("SIGKILL"));
    for (const p of pidsMatching(`--port=${port}`)) process.kill(p, "SIGKILL");
  };
  try {
    await waitUntil(() => /lab\?token=[0-9a-f]{48}/.test(out), 90_000, `the URL line in:\n${out}`);
  } catch (e) {
    await stop();
    throw e;
  }
  const token = out.match(/lab\?token=([0-9a-f]+)/)![1]!;
  return {
    port, token, browser, stop,
    output: () => out,
    async open(path: string) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const lines: string[] = [];
      page.on("console", (m) => lines.push(`${m.type()}: ${m.text()}`));
      await page.goto(`http://127.0.0.1:${port}${path}${path.includes("?") ? "&" : "?"}token=${token}`);
      return { page, console: lines };
    },
  };
}

/** A one-kernel notebook document on the bigdata kernel with these code cells. */
export function notebookJson(cells: Array<{ id: string; source: string }>): string {
  return JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "bigdata", display_name: "TypeScript (Big Data Workbench)", language: "typescript" } },
    cells: cells.map((c) => ({ cell_type: "code", id: c.id, metadata: {}, source: c.source, outputs: [], execution_count: null })),
  });
}

/** Wait until the notebook's kernel is idle (JupyterLab's status bar, or Notebook 7's kernel indicator). */
export async function waitForIdleKernel(page: Page): Promise<void> {
  await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 60_000 });
  await page.getByText(/Big Data Workbench\) \| Idle/).waitFor({ timeout: 60_000 });
}

/**
 * Wait until Notebook 7 shows the notebook with its kernel (the toolbar's kernel indicator) and
 * give the kernel connection a moment: Notebook 7's status has no "<kernel> | Idle" text to wait for.
 */
export async function waitForNotebook7(page: Page): Promise<void> {
  await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 60_000 });
  // Any visible match: Notebook 7 may render the kernel name twice, the first one hidden (CI saw
  // waitForSelector, which takes the first match, wait out its timeout on a hidden one).
  await page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-NotebookKernelStatus-idle, .jp-Toolbar-kernelName")
    .filter({ visible: true }).first().waitFor({ state: "visible", timeout: 90_000 });
  await page.waitForTimeout(2_000);
}

/** Run the n-th cell (0-based) with Shift+Enter. */
export async function runCell(page: Page, n: number): Promise<void> {
  await page.locator(".jp-Notebook .jp-Cell .jp-InputArea-editor").nth(n).click();
  await page.keyboard.press("Shift+Enter");
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}

/** The page's output areas, abbreviated, for a failure message. */
export async function outputsOf(page: Page): Promise<string> {
  const outputs = await page.evaluate(() => {
    const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ className: string; innerHTML: string }> } }).document;
    return Array.from(d.querySelectorAll(".jp-OutputArea-output")).map((o) => `${o.className}: ${o.innerHTML.slice(0, 300)}`);
  });
  return outputs.join("\n");
}
