// The L05 notebook (partitioning, replication, consistency) is committed as generated and runs
// headless through `workbench run`; with the model answers, every exercise check says correct.

import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ROOT } from "./helpers/sandbox";
import { expectCommittedAsGenerated, expectSolutionsPass, lectureSandbox } from "./helpers/lecture-notebooks";
import { L05_SOLUTIONS } from "../../notebooks/src/L05";

const NB = join(ROOT, "notebooks", "L05-partitioning.ipynb");
const env = await lectureSandbox();
const bigdataReady = env.ready;

describe("L05 notebook", () => {
  it("is committed as generated", () => expectCommittedAsGenerated("L05.ts", NB));

  it.skipIf(!bigdataReady)("runs headless, shows the lecture's claims, and the model answers pass every check", async () => {
    const { outputs } = await expectSolutionsPass(env.sb(), NB, L05_SOLUTIONS, "L05", 2, 180);
    expect(outputs).toContain("(stale!)");
    expect(outputs).toContain("conflict: true");
    // Shared nothing: a store node per worker process; query processing on a sharded collection.
    expect(outputs).toMatch(/'worker-\d+' │ \d+ +│ 'node-0'/);
    expect(outputs).toMatch(/the shard key\)' │ 1 /);
    expect(outputs).toMatch(/\$gte: 190 \} \}' +│ 4 /);
    // The node join animated on a small ring (two frames, moved keys in red).
    expect(outputs).toMatch(/after: 5 nodes \(\d+ of 24 keys moved\)/);
    expect(outputs).toContain('<animate attributeName=\\"opacity\\"');
    expect(outputs).toMatch(/ring: 1\d\.\d% of keys moved|ring: 2\d\.\d% of keys moved/);
  }, 600_000);
});
