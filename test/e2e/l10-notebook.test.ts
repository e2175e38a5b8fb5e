// The L10 notebook (lakehouse) runs headless through `workbench run` with no error and shows
// what the lecture claims; with the model answers every exercise check says correct; the
// committed notebook matches its generator and carries no outputs.

import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ROOT } from "./helpers/sandbox";
import { expectCommittedAsGenerated, expectSolutionsPass, lectureSandbox, runNotebook } from "./helpers/lecture-notebooks";
import { L10_SOLUTIONS } from "../../notebooks/src/L10";

const L10 = join(ROOT, "notebooks", "L10-lakehouse.ipynb");
const env = await lectureSandbox();
const bigdataReady = env.ready;

describe("L10 notebook", () => {
  it("is committed as generated, with empty outputs and the bigdata kernelspec", () => expectCommittedAsGenerated("L10.ts", L10));

  it.skipIf(!bigdataReady)("runs headless with `workbench run` and no error", async () => {
    const { all } = await runNotebook(env.sb(), L10, "L10", 180);
    // What the lecture claims, checked on the real run.
    expect(all).toContain("rows before: 9  rows after: 9"); // an uncommitted file is not part of the table
    expect(all).toContain("00000000000000000010.checkpoint.parquet");
    expect(all).toMatch(/version 10: rebuilt from checkpoint 10 \+ 0 JSON commits/);
    expect(all).toContain("version 1: 10 rows");
    expect(all).toMatch(/B read 10, retried past 11 and committed 12/);
    expect(all).toMatch(/second delete failed: Concurrent(DeleteRead|DeleteDelete)Exception/);
    expect(all).toContain("DELTA_METADATA_MISMATCH");
    expect(all).toContain("the crashed writer's file is gone: true");
    expect(all).toContain("version 0 is no longer readable");
    expect(all).toContain("Delta table</b>");
    // SQL DML on delta.`path`: metrics rows, history and time travel.
    expect(all).toContain("num_affected_rows");
    expect(all).toMatch(/\|\s*2\s*\|\s*1\s*\|\s*0\s*\|\s*1\s*\|/); // MERGE: 2 affected, 1 updated, 0 deleted, 1 inserted
    expect(all).toMatch(/\|\s*\d+\s*\|\s*DELETE\s*\|/);
    expect(all).toMatch(/rows_at_v1\|\\n\+-+\+\\n\|\s*10\|/); // (outputs are JSON text here: newlines are \\n)
  }, 600_000);

  it.skipIf(!bigdataReady)("with the model answers filled in, every exercise check says correct", async () => {
    await expectSolutionsPass(env.sb(), L10, L10_SOLUTIONS, "L10", 3, 180);
  }, 600_000);
});
