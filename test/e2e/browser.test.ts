// A real browser (Debian's chromium through playwright-core) opens a notebook in the classic
// Jupyter UI, runs all cells, and must see the rich outputs rendered: the DAG SVG, an HTML table
// and the live progress panel rows. Screenshots go to test-artifacts/ for a human to look at.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox, ROOT, type Sandbox } from "./helpers/sandbox";
import { startJupyter, type RunningServer } from "./helpers/jupyter-server";
import { makeNotebook, type TestCell } from "./helpers/notebooks";
import { findNotebookServer } from "../../kernel/cli/index";

const CHROMIUM = "/usr/bin/chromium";
const canRun = existsSync(CHROMIUM) && !!findNotebookServer();
const bigdataReady = kernelInstallerExists() && (await engineReady());
const ARTIFACTS = join(ROOT, "test-artifacts");

let sb: Sandbox;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!canRun) return;
  sb = await makeSandbox();
  if (kernelInstallerExists()) await installBigdataKernel(sb);
  server = await startJupyter(sb, join(sb.dir, "work"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // The sandbox HOME keeps chromium's config and crash-report folders out of the real one.
    env: sb.env as Record<string, string>,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sb?.cleanup();
});

/** Opens the notebook in the classic UI, runs all cells, waits for the kernel to go idle with
 * every cell executed, and returns the page for checks. */
async function runInBrowser(file: string, cells: TestCell[], kernel: { name: string; language: string }, shot: string) {
  await writeFile(join(sb.dir, "work", file), JSON.stringify(makeNotebook(kernel, cells)));
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.baseUrl}/notebooks/${file}?token=${server.token}`);
  await page.waitForFunction(() => {
    const J = (globalThis as any).Jupyter;
    return J?.notebook?.kernel?.is_connected?.() && J.notebook.kernel.info_reply?.status === "ok";
  }, undefined, { timeout: 120_000 });
  await page.evaluate(() => (globalThis as any).Jupyter.notebook.execute_all_cells());
  // (These callbacks run in the page; globalThis is the browser window there.)
  // Done when no cell shows the busy prompt "In [*]" and every code cell got a number.
  await page.waitForFunction(() => {
    const prompts = [...(globalThis as any).document.querySelectorAll(".code_cell .input_prompt")].map((p: { textContent: string | null }) => p.textContent ?? "");
    return prompts.length > 0 && prompts.every((t) => /\[\d+\]/.test(t));
  }, undefined, { timeout: 240_000, polling: 250 });
  await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
  return { page, errors };
}

describe.skipIf(!canRun)("classic Jupyter UI in chromium", () => {
  it("renders SVG, HTML tables and updated displays from the python3 reference kernel (harness check)", async () => {
    const cells: TestCell[] = [
      { source: "from IPython.display import display, SVG, HTML\ndisplay(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bdw-dag-svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\"/></svg>'))" },
      { source: "h = display(HTML('<table><tr class=\"bdw-stage-row\"><td>running</td></tr></table>'), display_id=True)\nh.update(HTML('<table><tr class=\"bdw-stage-row\"><td>done</td></tr></table>'))" },
    ];
    const { page } = await runInBrowser("python-harness.ipynb", cells, { name: "python3", language: "python" }, "browser-python-harness.png");
    expect(await page.locator(".output_area svg.bdw-dag-svg").count()).toBe(1);
    expect(await page.locator(".output_area tr.bdw-stage-row").allTextContents()).toEqual(["done"]);
    await page.close();
  });

  it.skipIf(!bigdataReady)("shows the DAG SVG, an HTML table and the progress panel for a bigdata job", async () => {
    const cells: TestCell[] = [
      {
        source: [
          'await sc.parallelize(["a b a", "b c a", "c c a b"], 2).flatMap((l) => l.split(" "))',
          "  .map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b).collect()",
        ].join("\n"),
      },
      { source: "await display(spark.lastJob()!.dag());" },
      { source: "spark.lastJob()" },
    ];
    const { page, errors } = await runInBrowser("bigdata-ui.ipynb", cells, { name: "bigdata", language: "typescript" }, "browser-bigdata.png");
    const text = await page.locator("#notebook-container").innerText();
    expect(text).not.toMatch(/Error|Traceback/);
    // the workbench's drawings come as SVG images in text/html (they survive untrusted sanitizing)
    expect(await page.locator('.output_area svg, .output_area img[src^="data:image/svg+xml"]').count()).toBeGreaterThan(0);
    expect(await page.locator(".output_area table").count()).toBeGreaterThan(0);
    expect(await page.locator(".output_area .bdw-stage-row").count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
