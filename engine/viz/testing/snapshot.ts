// Dev tool: write the fixture renderings to test-artifacts/viz/*.svg|html and screenshot them to
// PNG with headless chromium, to look at them. Run: npx tsx engine/viz/testing/snapshot.ts
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { chainDag, dagFixture, joinDagFixture, planFixture, stagesFixture, tasksFixture } from "./fixtures";
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
if (which === "all" || which === "panels") {
  const { renderProgress } = await import("../progress");
  const { renderJobSummary } = await import("../job-summary");
  const { renderStageMetrics } = await import("../stage-metrics");
  const { renderLineage } = await import("../lineage");
  const { renderTable } = await import("../table");
  const { runningJob, runningStages, jobFixture } = await import("./fixtures");
  const { StructType, StructField, IntegerType, StringType, DoubleType } = await import("../../sql/types");
  const parts = [
    renderProgress(runningJob, runningStages, { now: runningJob.submissionTime + 1500 }),
    renderJobSummary(jobFixture, stagesFixture, tasksFixture),
    renderStageMetrics(stagesFixture[2]!, tasksFixture),
    renderLineage("(2) ShuffledRDD[4] at reduceByKey at <cell 3>:1 []\n +-(2) MapPartitionsRDD[3] at map at <cell 2>:5 [Memory Deserialized 1x Replicated]\n |       CachedPartitions: 2; MemorySize: 1.2 KiB; DiskSize: 0.0 B\n |  ParallelCollectionRDD[1] at parallelize at <cell 1>:2 []", { title: "lineage" }),
    renderTable(new StructType([StructField("id", IntegerType), StructField("name", StringType), StructField("score", DoubleType)]), [{ id: 1, name: "Alice", score: 2.5 }, { id: 2, name: null, score: 10 }], { totalRows: 57 }),
  ];
  snapshot("panels", { [MIME.html]: parts.map((p) => p[MIME.html] as string).join("<hr>") }, "1000,900");
}
if (which === "all" || which === "chain") snapshot("dag-chain", renderDag(chainDag(12, 4, 8)), "700,1600");
