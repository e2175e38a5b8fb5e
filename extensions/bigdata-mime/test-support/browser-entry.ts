// Bundled by esbuild for the chromium test: exposes mount() and the fixtures on window.
import { mount, updateLive } from "../src/renderer";
import { renderProgress } from "../../../engine/viz/progress";
import { renderJobSummary } from "../../../engine/viz/job-summary";
import { renderDag } from "../../../engine/viz/dag";
import { renderTable } from "../../../engine/viz/table";
import { renderPlanGraph } from "../../../engine/viz/plan-graph";
import { dagFixture, jobFixture, planFixture, runningJob, runningStages, stagesFixture, tasksFixture } from "../../../test/fixtures/viz/fixtures";
import { IntegerType, StringType, StructField, StructType } from "../../../engine/sql/types";

const schema = new StructType([StructField("id", IntegerType), StructField("name", StringType)]);
const bundles = {
  dag: JSON.parse(JSON.stringify(renderDag(dagFixture))),
  plan: JSON.parse(JSON.stringify(renderPlanGraph(planFixture))),
  table: JSON.parse(JSON.stringify(renderTable(schema, [{ id: 2, name: "b" }, { id: 10, name: null }, { id: 1, name: "a" }]))),
  live1: JSON.parse(JSON.stringify(renderProgress(runningJob, runningStages, { now: runningJob.submissionTime + 1_000 }))),
  live2: JSON.parse(JSON.stringify(renderProgress(runningJob, runningStages.map((s) => ({ ...s, numCompletedTasks: s.numTasks })), { now: runningJob.submissionTime + 2_000 }))),
  summary: JSON.parse(JSON.stringify(renderJobSummary(jobFixture, stagesFixture, tasksFixture))),
};
(globalThis as Record<string, unknown>)["bdw"] = { mount, updateLive, bundles };
