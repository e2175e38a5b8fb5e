// Dev tool: write the fixture renderings to test-artifacts/viz/*.svg|html and screenshot them to
// PNG with headless chromium, to look at them. Run: npx tsx engine/viz/testing/snapshot.ts
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { dagFixture, joinDagFixture, planFixture, stagesFixture, tasksFixture } from "./fixtures";
import { renderTaskTimeline } from "../task-timeline";
import { renderPlanGraph } from "../plan-graph";
import { renderDag } from "../dag";
import { MIME, type MimeBundle } from "../mime";

const out = resolve("test-artifacts/viz");
mkdirSync(out, { recursive: true });

export function snapshot(name: string, bundle: MimeBundle, size = "1000,800"): void {
  const html = `<!doctype html><html><body style="margin:8px;background:#fff">${(bundle[MIME.html] as string) ?? `<pre>${bundle[MIME.text]}</pre>`}</body></html>`;
  writeFileSync(`${out}/${name}.html`, html);
  if (bundle[MIME.svg]) writeFileSync(`${out}/${name}.svg`, bundle[MIME.svg] as string);
  execFileSync("/usr/bin/chromium", [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", `--window-size=${size}`, `--screenshot=${out}/${name}.png`, `file://${out}/${name}.html`,
  ], { stdio: "ignore", timeout: 60_000 });
}

const which = process.argv[2] ?? "all";
if (which === "all" || which === "dag") snapshot("dag", renderDag(dagFixture));
if (which === "all" || which === "dag") snapshot("dag-join", renderDag(joinDagFixture), "900,700");
if (which === "all" || which === "plan") snapshot("plan", renderPlanGraph(planFixture, { title: "Query 1" }), "900,900");
if (which === "all" || which === "timeline") snapshot("timeline", await renderTaskTimeline(tasksFixture, stagesFixture), "900,400");
