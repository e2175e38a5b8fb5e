// The L01 notebook (introduction: the storage hierarchy measured live) is committed as generated,
// runs headless through `workbench run`, shows its measurements, charts and the failure demo, and
// with the model answers every exercise check says correct.

import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { ROOT } from "./helpers/sandbox";
import { expectCommittedAsGenerated, expectSolutionsPass, lectureSandbox } from "./helpers/lecture-notebooks";
import { L01_SOLUTIONS } from "../../notebooks/src/L01";

const L01 = join(ROOT, "notebooks", "L01-introduction.ipynb");
const env = await lectureSandbox();
const bigdataReady = env.ready;

describe("L01 notebook", () => {
  it("is committed as generated, with empty outputs and the bigdata kernelspec", () => expectCommittedAsGenerated("L01.ts", L01));

  it.skipIf(!bigdataReady)("runs headless: measurements, log-scale charts, scale-out, a worker killed mid-job; the model answers pass", async () => {
    const { outputs } = await expectSolutionsPass(env.sb(), L01, L01_SOLUTIONS, "L01", 3, 300);
    expect(outputs).toMatch(/memory: \d+ MB\/s, \d+ ns per random access/);
    expect(outputs).toMatch(/disk sequential: \d+ MB\/s +random 4 KB durable writes: [\d.]+ MB\/s/);
    expect(outputs).toMatch(/loopback TCP: \d+ MB\/s, round trip \d+ µs/);
    expect((outputs.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(outputs).toMatch(/workers: 2; 1 partition [\d.]+ s, 2 partitions [\d.]+ s/);
    expect(outputs).toMatch(/killed worker-\d+ while the job ran; answer 21253400, correct: true/);
    expect(outputs).toMatch(/Failure replay of job \d+: sum at <cell \d+>:\d+/);
    expect(outputs).toMatch(/partition \d+ rerun as task \d+ \(attempt 1\) on worker-\d+: succeeded/);
  }, 600_000);
});
