// Bundled by esbuild for the chromium test: exposes mount() and the fixtures on window.
import { mount } from "../src/renderer";
import { renderDag } from "../../../engine/viz/dag";
import { renderTable } from "../../../engine/viz/table";
import { renderPlanGraph } from "../../../engine/viz/plan-graph";
import { dagFixture, planFixture } from "../../../engine/viz/testing/fixtures";
import { IntegerType, StringType, StructField, StructType } from "../../../engine/sql/types";

const schema = new StructType([StructField("id", IntegerType), StructField("name", StringType)]);
const bundles = {
  dag: JSON.parse(JSON.stringify(renderDag(dagFixture))),
  plan: JSON.parse(JSON.stringify(renderPlanGraph(planFixture))),
  table: JSON.parse(JSON.stringify(renderTable(schema, [{ id: 2, name: "b" }, { id: 10, name: null }, { id: 1, name: "a" }]))),
};
(globalThis as Record<string, unknown>)["bdw"] = { mount, bundles };
