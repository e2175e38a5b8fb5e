// The kernel's comms for the front end (kernel/comms.ts), driven from Python's jupyter_client
// (comm_checks.py): the job panel's cancel reaches a running job while its cell waits, the Cluster
// sidebar lists, kills and adds workers, an unknown comm target is closed.

import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectAllOk, makeKernelEnv, runPython, PYTHON, type KernelEnv } from "./kernel-env";

const hasClient = existsSync(PYTHON) && existsSync("/usr/lib/python3/dist-packages/jupyter_client/__init__.py");

describe.skipIf(!hasClient)("kernel comms (jupyter_client)", () => {
  let k: KernelEnv;
  beforeAll(async () => { k = await makeKernelEnv(); }, 600_000);
  afterAll(() => k?.cleanup());

  it("job panel cancel, Cluster sidebar, unknown targets, comm_info", async () => {
    const r = await runPython(k, ["-m", "unittest", "-v", "comm_checks"]);
    expectAllOk(r, ["test_1_unknown_target_is_closed", "test_2_cluster_sidebar_lists_kills_and_adds_workers", "test_3_job_panel_cancels_a_running_job", "test_4_comm_info_lists_the_open_comms"]);
  }, 900_000);
});
