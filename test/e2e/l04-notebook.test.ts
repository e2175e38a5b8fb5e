// The L04 notebook (NoSQL overview) is committed as generated and runs headless through
// `workbench run`; with the model answers, every exercise check says correct.

import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ROOT } from "./helpers/sandbox";
import { expectCommittedAsGenerated, expectSolutionsPass, lectureSandbox } from "./helpers/lecture-notebooks";
import { L04_SOLUTIONS } from "../../notebooks/src/L04";

const NB = join(ROOT, "notebooks", "L04-nosql.ipynb");
const env = await lectureSandbox();
const bigdataReady = env.ready;

describe("L04 notebook", () => {
  it("is committed as generated", () => expectCommittedAsGenerated("L04.ts", NB));

  it.skipIf(!bigdataReady)("runs headless, shows the lecture's claims, and the model answers pass every check", async () => {
    const { outputs } = await expectSolutionsPass(env.sb(), NB, L04_SOLUTIONS, "L04", 3, 180);
    expect(outputs).toContain("keys in memory=0");
    // Nodes in the worker processes: a killed worker, then its node restarted elsewhere with everything.
    expect(outputs).toMatch(/node-0 restarted on worker-\d+: holds all 5 carts again: true \(hints delivered: 1\)/);
    expect(outputs).toContain("not enough replicas");
    expect(outputs).toContain("shortest path Ann → Fay: Ann → Bob → Di → Fay");
    // The engine's wide-column, graph and vector stores, hosted on the workers.
    expect(outputs).toMatch(/regions: \[-∞, user0500\) on worker-\d+  \[user0500, \+∞\) on worker-\d+/);
    expect(outputs).toContain("(regions visited: 1)");
    expect(outputs).toContain("Ann's friends of friends (Cypher): Di, Ed");
    expect(outputs).toMatch(/5000 vectors in 2 shards on worker-\d+/);
    expect(outputs).toContain("image/svg+xml");
    expect(outputs).toContain("| embedded (denormalised) | 6 | 4 |");
    expect(outputs).toContain("| exact | 5000 | 1 |");
    expect(outputs).toMatch(/\| 1 \| 1 \| false \| accepted \| \d+ \| true/);
    expect(outputs).toContain("| 2 | 2 | true | accepted | 20 | false");
    expect(outputs).toContain("| 3 | 1 | true | refused |");
  }, 600_000);
});
