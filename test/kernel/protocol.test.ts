// Protocol and engine-integration checks for the bigdata kernel, driven from Python's
// jupyter_client (protocol_checks.py, engine_checks.py) against a kernelspec in a temp prefix.

import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectAllOk, makeKernelEnv, runPython, PYTHON } from "./kernel-env";
import type { KernelEnv } from "./kernel-env";

const hasClient = existsSync(PYTHON) && existsSync("/usr/lib/python3/dist-packages/jupyter_client/__init__.py");

describe.skipIf(!hasClient)("kernel protocol (jupyter_client)", () => {
  let k: KernelEnv;
  beforeAll(async () => { k = await makeKernelEnv(); }, 600_000);
  afterAll(() => k?.cleanup());

  it("answers with execute_result, error, interrupt, stop_on_error, history, comm_info, display ids", async () => {
    const r = await runPython(k, ["-m", "unittest", "-v", "protocol_checks"]);
    expectAllOk(r, [
      "test_last_value_is_execute_result_not_stdout", "test_no_result_for_undefined_and_statements", "test_promise_result_is_awaited",
      "test_runtime_error_contents", "test_compile_error_contents", "test_interrupt_message_breaks_sync_loop",
      "test_interrupt_message_breaks_pending_await", "test_sigint_breaks_sync_loop", "test_stop_on_error_true_aborts_queued",
      "test_stop_on_error_false_runs_queued", "test_run_all_after_an_error_matches_ipykernel", "test_history", "test_comm_info", "test_display_update_in_place",
      "test_kernel_info_on_control", "test_silent_has_no_outputs", "test_shutdown_breaks_a_busy_cell_and_exits_cleanly",
    ]);
  }, 900_000);

  it("runs engine jobs: lazy session, configure, progress panel, errors, interrupt, no orphan workers", async () => {
    const r = await runPython(k, ["-m", "unittest", "-v", "engine_checks"]);
    expectAllOk(r, [
      "test_1_configure_before_first_use", "test_2_collect_with_progress_panel", "test_3_configure_after_start_is_an_error",
      "test_4_spark_is_typed_for_completion", "test_5_engine_error_shows_user_frames", "test_6_interrupt_running_job",
      "test_7_restart_and_shutdown_leave_no_workers",
    ]);
  }, 900_000);

  it("survives user errors: syntax errors, unhandled rejections, late exceptions, floods of output", async () => {
    const r = await runPython(k, ["-m", "unittest", "-v", "robustness_checks"]);
    expectAllOk(r, [
      "test_syntax_error", "test_unhandled_rejection_is_reported_not_fatal", "test_exception_thrown_from_a_timer",
      "test_megabytes_of_output_are_capped", "test_endless_output_until_interrupted",
    ]);
  }, 900_000);
});
