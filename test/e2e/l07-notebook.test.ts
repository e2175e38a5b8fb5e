// The L07 notebook (DataFrames, Catalyst, ML) runs headless through `workbench run` on the
// bigdata kernel with no error, its outputs show what the lecture claims (checked against plain
// JS computed in the notebook), and the model answers make every exercise check say correct.

import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ROOT } from "./helpers/sandbox";
import { expectCommittedAsGenerated, expectSolutionsPass, lectureSandbox, runNotebook } from "./helpers/lecture-notebooks";
import { L07_SOLUTIONS } from "../../notebooks/src/L07";

const L07 = join(ROOT, "notebooks", "L07-spark-sql-and-ml.ipynb");
const env = await lectureSandbox();
const bigdataReady = env.ready;

describe("L07 notebook", () => {
  it("is committed as generated, with empty outputs and the bigdata kernelspec", () => expectCommittedAsGenerated("L07.ts", L07));

  it.skipIf(!bigdataReady)("runs headless with `workbench run` and no error", async () => {
    const { all } = await runNotebook(env.sb(), L07, "L07");
    expect(all).toContain("same answers: true");
    expect(all).toContain("Analyzed Logical Plan");
    expect(all).toContain("Optimized Logical Plan");
    expect(all).toContain("Physical Plan");
    expect(all).toContain("function fusedAgg(");             // explain("codegen"): the generated aggregation loop
    expect(all).toContain("const y = probe[i]");             // ... and the star join's probe fused into it
    expect(all).toContain("shuffle join vs broadcast join");
    expect(all).toContain("surrogate (mean BMI)");
    expect(all).toMatch(/labels in index order: \[ 'no', 'yes', 'former' \]|labels in index order/);
    expect(all).toMatch(/\d+ jobs on the workers, \d+ L-BFGS iterations/);
    expect(all).toContain("sensitivity = TP/(TP+FN)");
    expect(all).toContain("application/vnd.vegalite.v5+json");
    expect(all).toMatch(/best model's test AUC = 0\.\d+/);
    expect(all).toContain("<svg");
  }, 600_000);

  it.skipIf(!bigdataReady)("with the model answers filled in, every exercise check says correct", async () => {
    await expectSolutionsPass(env.sb(), L07, L07_SOLUTIONS, "L07", 4);
  }, 600_000);
});
