// The extension's lab plugin in a real JupyterLab 4 (headless Chromium): a running job's live
// panel updates while the job runs and its "Cancel job" button cancels the job through the
// kernel's "bigdata.jobs" comm (the cell fails with Spark's cancellation, the panel becomes the
// cancelled job's summary, saved with the notebook and drawn again after a reload); the Cluster
// sidebar lists the notebook's workers, kills one and adds one through "bigdata.cluster".
// A click on the summary's stage shows its task metrics, timeline and tasks (the drill-down), and
// its "Show DAG" draws the job's DAG fetched from the kernel.
// Screenshots: test-artifacts/lab/live-panel.png, cancelled.png, cluster.png, reloaded.png.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { makeSandbox, type Sandbox } from "./helpers/sandbox";
import { CHROMIUM, notebookJson, outputsOf, prepareLab, runCell, screenshot, startLab, waitForIdleKernel, type LabServer } from "./helpers/lab-browser";
import { waitUntil } from "./helpers/processes";
import { findBasePython } from "../../kernel/cli/jupyter-lab-env";

// 24 tasks of 1 s each on the embedded cluster's few slots: long enough to watch and cancel.
const SLOW_JOB = "await sc.parallelize(Array.from({ length: 24 }, (_, i) => i), 24).map((x) => { const t = Date.now(); while (Date.now() - t < 1000) { /* busy */ } return x; }).collect()";
const WORKERS = "spark.cluster.workers().length";
const STREAM = [
  'import { MemoryStream } from "bigdata-workbench";',
  'const words = new MemoryStream(spark, "word STRING");',
  'const wc = words.toDF().groupBy("word").count().writeStream.format("memory").queryName("wc").outputMode("complete").start();',
  'words.addData([{ word: "a" }, { word: "b" }]); await wc.processAllAvailable();',
  'words.addData([{ word: "a" }]); await wc.processAllAvailable();',
  "wc",
].join("\n");
const MORE = 'words.addData([{ word: "c" }]); await wc.processAllAvailable();';

let sb: Sandbox;
let ready = false;
let lab: LabServer | undefined;
let page: Page;
let consoleLines: string[] = [];
beforeAll(async () => {
  sb = await makeSandbox();
  ready = prepareLab();
  if (ready && existsSync(CHROMIUM)) {
    await writeFile(join(sb.dir, "work", "panels.ipynb"), notebookJson([{ id: "slow", source: SLOW_JOB }, { id: "workers", source: WORKERS }, { id: "stream", source: STREAM }, { id: "more", source: MORE }]));
    lab = await startLab(sb, join(sb.dir, "work"));
    ({ page, console: consoleLines } = await lab.open("/lab/tree/panels.ipynb"));
    await waitForIdleKernel(page);
  }
}, 600_000);
afterAll(async () => {
  await lab?.stop();
  await sb?.cleanup();
});

const textOf = (sel: string) => page.locator(sel).first().innerText();
async function fail(e: unknown, shot: string): Promise<never> {
  await screenshot(page, `failure-${shot}`);
  throw new Error(`${String(e)}\nbrowser console:\n${consoleLines.join("\n")}\noutputs:\n${await outputsOf(page)}`);
}

describe.skipIf(!existsSync(CHROMIUM) || !findBasePython())("the lab plugin in chromium", () => {
  it("updates a running job's live panel and cancels the job from its button", async () => {
    expect(ready, "JupyterLab environment and extension").toBe(true);
    await runCell(page, 0);
    const live = ".jp-OutputArea-output.bdw-output .bdw-live-body .bdw-progress";
    await page.waitForSelector(live, { timeout: 60_000 }).catch((e) => fail(e, "live.png"));
    // The panel is updated in place while the job runs: the done count moves.
    const first = await textOf(live);
    await waitUntil(async () => (await textOf(live)) !== first && /\b[1-9]\d*\/24\b/.test(await textOf(live)), 30_000, "the live panel to show finished tasks").catch((e) => fail(e, "live.png"));
    const button = page.locator(".bdw-live-actions button.bdw-cancel");
    expect(await button.innerText()).toMatch(/^Cancel job \d+$/);
    // The running job's DAG as it stands, fetched from the kernel.
    await page.locator(".bdw-live-actions button.bdw-show-dag").click();
    await page.waitForSelector(".jp-OutputArea-output.bdw-output .bdw-dag-slot .bdw-dag svg", { timeout: 30_000 }).catch((e) => fail(e, "live.png"));
    // A click on the running stage: its drill-down so far (tasks that ran or run, metrics, timeline).
    await page.locator(".bdw-live-body tr.bdw-stage-row").first().click();
    const liveDrill = ".jp-OutputArea-output.bdw-output .bdw-details-slot .bdw-stage-drill";
    await page.waitForSelector(liveDrill, { timeout: 30_000 }).catch((e) => fail(e, "live.png"));
    expect(await page.locator(`${liveDrill} tr.bdw-task-row`).count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, "live-panel.png");
    await button.click();
    // The cell fails with the cancellation; the panel turns into the job's summary (no button).
    await page.getByText(/cancelled from the job panel/).first().waitFor({ timeout: 30_000 }).catch((e) => fail(e, "cancel.png"));
    await page.waitForSelector(".jp-OutputArea-output.bdw-output .bdw-job-summary", { timeout: 30_000 }).catch((e) => fail(e, "cancel.png"));
    expect(await page.locator(".bdw-live-actions button.bdw-cancel").count()).toBe(0);
    const summary = await textOf(".jp-OutputArea-output.bdw-output .bdw-job-summary");
    expect(summary).toMatch(/Job \d+ CANCELLED/);
    expect(summary).not.toMatch(/\b24\/24\b/);
    await screenshot(page, "cancelled.png");
    // "Show DAG" fetches the job's DAG from the kernel and draws it (interactive) under the summary.
    const show = page.locator(".jp-OutputArea-output.bdw-output button.bdw-show-dag").first();
    await show.click();
    const dag = ".jp-OutputArea-output.bdw-output .bdw-dag-slot .bdw-dag svg";
    await page.waitForSelector(dag, { timeout: 30_000 }).catch((e) => fail(e, "show-dag.png"));
    expect(await page.locator(".jp-OutputArea-output.bdw-output .bdw-dag-slot g.bdw-stage").count()).toBe(1);
    expect(await show.innerText()).toBe("Hide DAG");
    await show.click();
    expect(await page.locator(dag).count()).toBe(0);
  }, 180_000);

  it("lists, kills and adds workers from the Cluster sidebar", async () => {
    expect(ready, "JupyterLab environment and extension").toBe(true);
    await page.locator(".jp-SideBar.jp-mod-right .lm-TabBar-tab", { hasText: "Cluster" }).click();
    const rows = "#bdw-cluster-panel tr.bdw-worker";
    await page.waitForSelector(rows, { timeout: 30_000 }).catch((e) => fail(e, "cluster.png"));
    const row = (id: string) => page.locator(`${rows}[data-worker="${id}"]`);
    expect(await page.locator(rows).filter({ hasText: "ALIVE" }).count()).toBeGreaterThanOrEqual(1);
    expect(await textOf("#bdw-cluster-panel .bdw-cluster")).toContain("panels.ipynb");
    const victim = (await page.locator(`${rows} button.bdw-kill`).first().getAttribute("data-worker"))!;
    await page.locator(`${rows} button.bdw-kill`).first().click();
    // The killed worker stays listed as DEAD, without its kill button (the cluster starts a replacement).
    await waitUntil(async () => /DEAD/.test(await row(victim).innerText()), 30_000, `${victim} to show as DEAD`).catch((e) => fail(e, "cluster.png"));
    expect(await row(victim).locator("button.bdw-kill").count()).toBe(0);
    await page.locator("#bdw-cluster-panel button.bdw-add").click();
    await waitUntil(async () => /started worker-\d+/.test(await textOf("#bdw-cluster-panel .bdw-cluster")), 60_000, "the sidebar to say which worker it started").catch((e) => fail(e, "cluster.png"));
    const added = (await textOf("#bdw-cluster-panel .bdw-cluster-message")).match(/started (worker-\d+)/)![1]!;
    await waitUntil(async () => (await row(added).count()) === 1 && /ALIVE/.test(await row(added).innerText()), 60_000, `${added} to show as ALIVE`).catch((e) => fail(e, "cluster.png"));
    // The memory each worker reports in its heartbeats is shown (the panel refreshes every few seconds).
    await waitUntil(async () => /\d+(\.\d)? MiB/.test(await row(added).innerText()), 20_000, `${added}'s memory`).catch((e) => fail(e, "cluster.png"));
    await screenshot(page, "cluster.png");
    // The notebook sees the same cluster.
    const live = await page.locator(rows).filter({ hasText: "ALIVE" }).count();
    await runCell(page, 1);
    await page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output").first().waitFor({ timeout: 30_000 });
    expect(await page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output").first().innerText()).toBe(String(live));
  }, 180_000);

  it("keeps the cancelled job's final panel in the saved notebook and draws it after a reload", async () => {
    expect(ready, "JupyterLab environment and extension").toBe(true);
    await page.keyboard.press("Control+s");
    const file = join(sb.dir, "work", "panels.ipynb");
    await waitUntil(async () => (await readFile(file, "utf8")).includes("vnd.bigdata.progress+json"), 30_000, "the notebook to be saved with its outputs");
    const saved = JSON.parse(await readFile(file, "utf8")) as { cells: Array<{ outputs: Array<{ data?: Record<string, { kind?: string; job?: { status?: string } }> }> }> };
    const panel = saved.cells[0]!.outputs.map((o) => o.data?.["application/vnd.bigdata.progress+json"]).find((p) => p);
    expect(panel?.kind).toBe("summary");
    expect(panel?.job?.status).toBe("FAILED");
    await page.reload();
    await page.waitForSelector(".jp-OutputArea-output.bdw-output .bdw-job-summary", { timeout: 60_000 }).catch((e) => fail(e, "reloaded.png"));
    expect(await textOf(".jp-OutputArea-output.bdw-output .bdw-job-summary")).toMatch(/CANCELLED/);
    // Click the stage: its task metrics, timeline and tasks, from the saved payload.
    const ran = Number(/(\d+) of 24 ran/.exec(await textOf(".jp-OutputArea-output.bdw-output .bdw-job-summary"))![1]);
    await page.locator(".jp-OutputArea-output.bdw-output tr.bdw-stage-row").first().click();
    const drill = ".jp-OutputArea-output.bdw-output .bdw-details-slot .bdw-stage-drill";
    await page.waitForSelector(drill, { timeout: 10_000 }).catch((e) => fail(e, "drill.png"));
    expect(await page.locator(`${drill} tr.bdw-task-row`).count()).toBe(ran);
    expect(await page.locator(`${drill} svg.bdw-stage-timeline rect.bdw-task-bar`).count()).toBe(ran);
    expect(await textOf(drill)).toMatch(/Min[\s\S]*Median[\s\S]*Max/);
    await screenshot(page, "reloaded.png");
  }, 180_000);

  it("draws a streaming query's live panel with the extension, charts included, and updates it as batches run", async () => {
    expect(ready, "JupyterLab environment and extension").toBe(true);
    await runCell(page, 2);
    const panel = page.locator(".jp-Cell").nth(2).locator(".jp-OutputArea-output.bdw-output .bdw-stream");
    await panel.first().waitFor({ timeout: 60_000 }).catch((e) => fail(e, "stream.png"));
    await waitUntil(async () => (await panel.locator("tr.bdw-batch").count()) === 2, 30_000, "two batches in the panel").catch((e) => fail(e, "stream.png"));
    // the charts (drawn by Vega in the kernel; the kernel ships inline SVG as an <img> data URL)
    await page.locator(".jp-Cell").nth(2).locator(".bdw-output .bdw-stream-charts").locator("svg, img").first().waitFor({ timeout: 10_000 }).catch((e) => fail(e, "stream.png"));
    expect(await panel.innerText()).toMatch(/Latest result \(2 rows\)/);
    // Another cell feeds the query: the first cell's panel is updated in place.
    await runCell(page, 3);
    await waitUntil(async () => (await panel.locator("tr.bdw-batch").count()) === 3, 30_000, "the third batch in the first cell's panel").catch((e) => fail(e, "stream.png"));
    await waitUntil(async () => /Latest result \(3 rows\)/.test(await panel.innerText()), 30_000, "the updated result").catch((e) => fail(e, "stream.png"));
    await screenshot(page, "stream.png");
  }, 180_000);
});
