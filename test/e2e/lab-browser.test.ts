// The workbench in a real JupyterLab 4 and Notebook 7 in headless Chromium: `workbench start`
// (project environment with the prebuilt bigdata-workbench-mime extension) serves a notebook whose
// cell runs a DataFrame action and shows the job's DAG; the DAG must be drawn by the extension's
// renderer (the .bdw-output widget mount() fills, with its details slot), not by the text/html
// fallback, in both front ends; and the lab plugin's cancel button works in Notebook 7 too.
// Screenshots: test-artifacts/lab/dag.png, notebook7-dag.png, notebook7-cancelled.png.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { makeSandbox, type Sandbox } from "./helpers/sandbox";
import { CHROMIUM, notebookJson, outputsOf, prepareLab, runCell, screenshot, startLab, waitForIdleKernel, waitForNotebook7, type LabServer } from "./helpers/lab-browser";
import { findBasePython } from "../../kernel/cli/jupyter-lab-env";

const CELL = [
  'const df = spark.createDataFrame([{ k: "a", v: 1 }, { k: "b", v: 2 }, { k: "a", v: 3 }, { k: "c", v: 4 }]);',
  'console.log(await df.groupBy("k").count().collect());',
  "spark.lastJob()!.dag()",
].join("\n");

const SLOW_JOB = "await sc.parallelize(Array.from({ length: 16 }, (_, i) => i), 16).map((x) => { const t = Date.now(); while (Date.now() - t < 1000) { /* busy */ } return x; }).collect()";

let sb: Sandbox;
let ready = false;
let lab: LabServer | undefined;
beforeAll(async () => {
  sb = await makeSandbox();
  ready = prepareLab();
  if (ready && existsSync(CHROMIUM)) {
    await writeFile(join(sb.dir, "work", "dag.ipynb"), notebookJson([{ id: "dag-cell", source: CELL }]));
    await writeFile(join(sb.dir, "work", "slow.ipynb"), notebookJson([{ id: "slow", source: SLOW_JOB }]));
    lab = await startLab(sb, join(sb.dir, "work"));
  }
}, 600_000);
afterAll(async () => {
  await lab?.stop();
  await sb?.cleanup();
});

async function drawnByExtension(page: Page, consoleLines: string[], shot: string): Promise<void> {
  await page.waitForSelector(".jp-OutputArea-output.bdw-output .bdw-dag svg", { timeout: 60_000 }).catch(async (e: unknown) => {
    await screenshot(page, `failure-${shot}`);
    throw new Error(`${String(e)}\nbrowser console:\n${consoleLines.join("\n")}\noutputs:\n${await outputsOf(page)}`);
  });
  // mount() adds the details slot; the text/html fallback (jp-RenderedHTML) must not be used.
  expect(await page.locator(".jp-OutputArea-output.bdw-output:has(.bdw-dag) .bdw-details-slot").count()).toBe(1);
  expect(await page.locator(".jp-RenderedHTMLCommon .bdw-dag").count()).toBe(0);
  await screenshot(page, shot);
}

describe.skipIf(!existsSync(CHROMIUM) || !findBasePython())("JupyterLab in chromium", () => {
  it("draws a job's DAG with the extension's renderer", async () => {
    expect(ready, "JupyterLab environment and extension").toBe(true);
    const { page, console: lines } = await lab!.open("/lab/tree/dag.ipynb");
    await waitForIdleKernel(page);
    await runCell(page, 0);
    await drawnByExtension(page, lines, "dag.png");
    await page.close();
  }, 240_000);

  it("draws it with the extension in Notebook 7 too", async () => {
    expect(ready, "JupyterLab environment and extension").toBe(true);
    const { page, console: lines } = await lab!.open("/notebooks/dag.ipynb");
    await waitForNotebook7(page);
    await runCell(page, 0);
    await drawnByExtension(page, lines, "notebook7-dag.png");
    await page.close();
  }, 240_000);

  it("cancels a job from its live panel in Notebook 7 (the lab plugin runs there too)", async () => {
    expect(ready, "JupyterLab environment and extension").toBe(true);
    const { page, console: lines } = await lab!.open("/notebooks/slow.ipynb");
    await waitForNotebook7(page);
    await runCell(page, 0);
    const button = page.locator(".bdw-output .bdw-live-actions button.bdw-cancel");
    await button.waitFor({ timeout: 60_000 }).catch(async (e: unknown) => {
      await screenshot(page, "failure-notebook7-cancel.png");
      throw new Error(`${String(e)}\nbrowser console:\n${lines.join("\n")}\noutputs:\n${await outputsOf(page)}`);
    });
    await button.click();
    await page.getByText(/cancelled from the job panel/).first().waitFor({ timeout: 30_000 });
    expect(await page.locator(".bdw-output .bdw-job-summary").first().innerText()).toMatch(/CANCELLED/);
    await screenshot(page, "notebook7-cancelled.png");
    await page.close();
  }, 240_000);
});
