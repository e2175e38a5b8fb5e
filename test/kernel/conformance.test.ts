// Runs Jupyter's kernel conformance suite (jupyter_kernel_test, Debian's python3 package) against
// the installed bigdata kernel: every applicable check must pass.

import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectAllOk, makeKernelEnv, runPython, PYTHON } from "./kernel-env";
import type { KernelEnv } from "./kernel-env";

const hasSuite = existsSync(PYTHON) && existsSync("/usr/lib/python3/dist-packages/jupyter_kernel_test/__init__.py");

describe.skipIf(!hasSuite)("jupyter_kernel_test conformance", () => {
  let k: KernelEnv;
  beforeAll(async () => { k = await makeKernelEnv(); }, 600_000);
  afterAll(() => k?.cleanup());

  it("passes every applicable KernelTests check", async () => {
    const r = await runPython(k, ["-m", "unittest", "-v", "conformance_bigdata"]);
    const expected = ["test_kernel_info", "test_execute_stdout", "test_execute_stderr", "test_error", "test_execute_result", "test_display_data", "test_completion", "test_is_complete", "test_history", "test_inspect", "test_clear_output"];
    expectAllOk(r, expected, 4000);
  }, 900_000);
});
