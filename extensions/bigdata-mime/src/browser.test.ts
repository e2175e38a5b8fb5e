// The extension's drawing and interactions in a real browser (headless chromium): the bundle of
// mount() runs on a page, and hover/click events are dispatched to the rendered SVG and table.
import { build } from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
let browser: Browser;
let page: Page;

describe.skipIf(!existsSync(CHROMIUM))("extension in chromium", () => {
  beforeAll(async () => {
    const out = await build({
      entryPoints: [here("../test-support/browser-entry.ts")],
      bundle: true, write: false, format: "iife", platform: "browser", target: "es2022",
      alias: { "@lumino/widgets": here("../test-support/lumino-stand-in.ts") },
      logLevel: "silent",
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 900, height: 2000 } });
    await page.setContent(`<!doctype html><html><body><div id="dag"></div><div id="plan"></div><div id="table"></div><div id="live"></div><div id="summary"></div></body></html>`);
    await page.addScriptTag({ content: out.outputFiles[0]!.text });
    await page.evaluate(() => {
      const w = globalThis as unknown as { bdw: { mount: (root: unknown, mime: string, bundle: unknown) => void; bundles: Record<string, unknown> } };
      const doc = (globalThis as unknown as { document: { getElementById(id: string): unknown } }).document;
      w.bdw.mount(doc.getElementById("dag"), "application/vnd.bigdata.dag+json", w.bdw.bundles["dag"]);
      w.bdw.mount(doc.getElementById("plan"), "application/vnd.bigdata.plan+json", w.bdw.bundles["plan"]);
      w.bdw.mount(doc.getElementById("table"), "application/vnd.bigdata.table+json", w.bdw.bundles["table"]);
      w.bdw.mount(doc.getElementById("live"), "application/vnd.bigdata.progress+json", w.bdw.bundles["live1"]);
      w.bdw.mount(doc.getElementById("summary"), "application/vnd.bigdata.progress+json", w.bdw.bundles["summary"]);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  const opacity = (sel: string) => page.$eval(sel, (e) => (e as unknown as { style: { opacity: string } }).style.opacity);

  it("fades everything outside a hovered RDD's lineage, and restores on leave", async () => {
    await page.hover('#dag g.bdw-rdd[data-rdd="4"] rect');
    expect(await opacity('#dag g.bdw-rdd[data-rdd="0"]')).toBe("");
    expect(await opacity('#dag g.bdw-rdd[data-rdd="3"]')).toBe("");
    expect(await opacity('#dag g.bdw-rdd[data-rdd="5"]')).toBe("0.18");
    expect(await opacity('#dag g.bdw-stage[data-stage="2"]')).toBe("0.45");
    if (!existsSync(here("../../../test-artifacts/viz"))) mkdirSync(here("../../../test-artifacts/viz"), { recursive: true });
    await page.screenshot({ path: here("../../../test-artifacts/viz/extension-hover.png") });
    await page.mouse.move(890, 5);
    expect(await opacity('#dag g.bdw-rdd[data-rdd="5"]')).toBe("");
  });

  it("shows a stage's details on click and hides them on a second click", async () => {
    await page.click('#dag g.bdw-rdd[data-rdd="3"] rect');
    const text = await page.$eval("#dag .bdw-details-slot", (e) => (e as unknown as { textContent: string }).textContent);
    expect(text).toContain("Stage 1: reduceByKey at <cell 3>:1");
    expect(text).toContain("from stage 0 (shuffle 0): 47.1 KiB, 1,200 records");
    await page.click('#dag g.bdw-rdd[data-rdd="4"] rect');
    expect(await page.$eval("#dag .bdw-details-slot", (e) => (e as unknown as { textContent: string }).textContent)).toBe("");
  });

  it("highlights a plan operator's inputs", async () => {
    // A synthetic (bubbling) mouseover: real pointer hovering is covered by the DAG test above.
    await page.dispatchEvent('#plan g.bdw-plan-node[data-node="6"] rect', "mouseover");
    expect(await opacity('#plan g.bdw-plan-node[data-node="7"]')).toBe("");
    expect(await opacity('#plan g.bdw-plan-node[data-node="4"]')).toBe("0.18");
  });

  it("sorts the table by a clicked header, then reverses", async () => {
    const ids = () => page.$$eval("#table tbody tr td:first-child", (tds) => tds.map((t) => (t as unknown as { textContent: string }).textContent));
    expect(await ids()).toEqual(["2", "10", "1"]);
    await page.click('#table th[data-column="0"]');
    expect(await ids()).toEqual(["1", "2", "10"]);
    await page.click('#table th[data-column="0"]');
    expect(await ids()).toEqual(["10", "2", "1"]);
    await page.click('#table th[data-column="1"]');
    expect(await page.$$eval("#table tbody tr td:nth-child(2)", (tds) => tds.map((t) => (t as unknown as { textContent: string }).textContent))).toEqual(["a", "b", "null"]);
  });

  it("updates a live panel in place, keeping its cancel button (and what a click did to it)", async () => {
    const updated = await page.evaluate(() => {
      const w = globalThis as unknown as { bdw: { updateLive: (root: unknown, mime: string, bundle: unknown) => boolean; bundles: Record<string, unknown> } };
      const doc = (globalThis as unknown as { document: { getElementById(id: string): { querySelector(s: string): { textContent: string } | null } } }).document;
      const root = doc.getElementById("live");
      const button = root.querySelector("button.bdw-cancel")!;
      button.textContent = "Cancelling job...";
      const ok = w.bdw.updateLive(root, "application/vnd.bigdata.progress+json", w.bdw.bundles["live2"]);
      return { ok, same: root.querySelector("button.bdw-cancel") === button, label: root.querySelector("button.bdw-cancel")!.textContent, body: root.querySelector(".bdw-live-body")!.textContent };
    });
    expect(updated).toMatchObject({ ok: true, same: true, label: "Cancelling job..." });
    expect(updated.body).toContain("2 s");
  });

  it("shows a summary's stage drill-down on a click on its row", async () => {
    await page.click('#summary tr.bdw-stage-row[data-stage="1"]');
    const drill = await page.$eval("#summary .bdw-details-slot", (e) => (e as unknown as { innerHTML: string }).innerHTML);
    expect(drill).toContain("bdw-stage-drill");
    expect((drill.match(/class="bdw-task-row"/g) ?? []).length).toBe(4);
    await page.click('#summary tr.bdw-stage-row[data-stage="1"]');
    expect(await page.$eval("#summary .bdw-details-slot", (e) => (e as unknown as { innerHTML: string }).innerHTML)).toBe("");
  });
});
