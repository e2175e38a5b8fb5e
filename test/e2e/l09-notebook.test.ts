// The L09 notebook runs headless through `workbench run` with no error, its PageRank versions
// agree, and with the model answers every exercise check says correct.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ROOT } from "./helpers/sandbox";
import { expectCommittedAsGenerated, expectSolutionsPass, lectureSandbox } from "./helpers/lecture-notebooks";
import { L09_SOLUTIONS } from "../../notebooks/src/L09";

const L09 = join(ROOT, "notebooks", "L09-graphs.ipynb");
const env = await lectureSandbox();
const bigdataReady = env.ready;

describe("L09 notebook", () => {
  it("is committed as generated", () => expectCommittedAsGenerated("L09.ts", L09));

  it.skipIf(!bigdataReady)("with the model answers, runs headless and every check says correct", async () => {
    const { outputs } = await expectSolutionsPass(env.sb(), L09, L09_SOLUTIONS, "L09", 3);
    expect(outputs).toContain("RDD version matches local: true");
    expect(outputs).toContain("Pregel version matches local: true");
    expect(outputs).toContain("7.000000/33");
    // Charts and drawings: the convergence plot, the y/a/m web sized by rank, messages per superstep, the GraphFrame's ranks.
    expect((outputs.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(8);
    // compute() by hand: distances per superstep; a worker killed mid-run, restarted from a checkpoint.
    expect(outputs).toContain("distance from A after each superstep");
    expect(outputs).toMatch(/restarts from the last checkpoint: [1-9]/);
    expect(outputs).toContain("same ranks as without the failure: true");
    // Edge cut vs vertex cut drawn by partition.
    expect(outputs).toContain("EdgeCut: replication 1.00");
    expect(outputs).toMatch(/RandomVertexCut: replication [12]\.\d\d/);
    expect(outputs).toContain("the y/a/m web, node size = PageRank");
    expect(outputs).toContain("Pregel: messages per superstep, local vs remote");
    // The messages on the Pregel run's edges, with the partitioner's arithmetic.
    expect(outputs).toMatch(/superstep 0: 3 active, 5 messages sent \(\d+ to their own partition, \d+ to another\)/);
    expect(outputs).toMatch(/-> vertex \S*[yam]\S* \(partition \d: hash = \d+, \d+ mod 3 = \d\)/);
    expect(outputs).toMatch(/\|\s+x\|\s+y\|\s+z\|/); // the motif table
    expect(outputs).toMatch(/\|\s*id\|component\|/);
  }, 600_000);
});
