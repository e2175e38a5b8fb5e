// The L02 (MapReduce) and L03 (patterns and mining) notebooks run headless through
// `workbench run` on the bigdata kernel with no error, print the independent checks they make
// against plain JavaScript, and with the model answers filled in every exercise check says correct.
// The committed notebooks must match their generators and carry no outputs.

import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ROOT } from "./helpers/sandbox";
import { expectCommittedAsGenerated, expectSolutionsPass, lectureSandbox, runNotebook } from "./helpers/lecture-notebooks";
import { L02_SOLUTIONS } from "../../notebooks/src/L02";
import { L03_SOLUTIONS } from "../../notebooks/src/L03";

const env = await lectureSandbox();
const bigdataReady = env.ready;

const notebooks = [
  {
    name: "L02", src: "L02.ts", file: join(ROOT, "notebooks", "L02-mapreduce.ipynb"), solutions: L02_SOLUTIONS, exercises: 2,
    expect: ["matches plain JavaScript: true", "words emitted = MAP_OUTPUT_RECORDS: true", "same answer: true", "MAP_INPUT_RECORDS = 1200  lines in the files = 1200",
      "part-m-00003", "PATH_ALREADY_EXISTS", "MAPREDUCE_TASK_FAILED", "the dog ate it", "_SUCCESS"],
  },
  {
    name: "L03", src: "L03.ts", file: join(ROOT, "notebooks", "L03-mapreduce-patterns-and-mining.ipynb"), solutions: L03_SOLUTIONS, exercises: 4,
    expect: ["projection matches: true", "selection matches: true", "no combiner correct:          true", "average-of-averages correct:  false",
      "(sum, count) combiner correct: true", "broadcast join matches: true", "reduce-side join matches: true", "top-5 correct: true",
      "estimates within 4 standard deviations: 12 of 12", "MapReduce candidates = RDD candidates: true", "false negatives: 0",
      "every Spark ML pair has J > 0.5: true", "Spark ML pairs found (of 6 near-copies): 6", "nearest to d0: d0 (0.000), dup0",
      "V1 centres = Lloyd: true, V2 centres = Lloyd: true", "<svg"],
  },
];

describe.each(notebooks)("$name notebook", (n) => {
  it("is committed as generated, with empty outputs and the bigdata kernelspec", () => expectCommittedAsGenerated(n.src, n.file));

  it.skipIf(!bigdataReady)("runs headless with `workbench run` and no error; its checks hold", async () => {
    const { all, outputs } = await runNotebook(env.sb(), n.file, n.name);
    for (const s of n.expect) expect(all, s).toContain(JSON.stringify(s).slice(1, -1));
    expect(outputs).not.toMatch(/✘/);
  }, 600_000);

  it.skipIf(!bigdataReady)("with the model answers filled in, every exercise check says correct", async () => {
    await expectSolutionsPass(env.sb(), n.file, n.solutions, n.name, n.exercises);
  }, 600_000);
});
