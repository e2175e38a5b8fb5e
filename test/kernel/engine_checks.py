"""Engine integration checks for the bigdata kernel (run by engine.test.ts): the lazy notebook
session, configure(), the live progress panel, engine errors, interrupting a running job, and
no worker processes left after restart or shutdown.
"""
import os
import time
import unittest

from protocol_checks import KernelTestCase, collect, of_type, run, shell_reply, wait_busy


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def wait_dead(pids, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    return [p for p in pids if alive(p)]


def result_text(msgs):
    r = of_type(msgs, "execute_result")
    return r[0]["content"]["data"]["text/plain"] if r else None


def worker_pids(kc):
    reply, msgs = run(kc, "JSON.stringify(spark.cluster.workers().map((w) => w.pid))")
    assert reply["status"] == "ok", reply
    return [int(p) for p in result_text(msgs).strip("'").strip("[]").split(",") if p.strip()]


class EngineTests(KernelTestCase):
    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        if cls.km.is_alive():
            cls.km.shutdown_kernel()

    def test_1_configure_before_first_use(self):
        reply, _ = run(self.kc, 'configure({ master: "local[2]", appName: "engine-checks" })')
        self.assertEqual(reply["status"], "ok")

    def test_2_collect_with_progress_panel(self):
        reply, msgs = run(self.kc, "await sc.parallelize([1, 2, 3]).map((x) => x * 2).collect()")
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(result_text(msgs), "[ 2, 4, 6 ]")
        shown = of_type(msgs, "display_data")
        updates = of_type(msgs, "update_display_data")
        self.assertGreaterEqual(len(shown), 1)
        self.assertGreaterEqual(len(updates), 1)
        did = shown[0]["content"]["transient"]["display_id"]
        self.assertTrue(all(u["content"]["transient"]["display_id"] == did for u in updates))
        self.assertIn("SUCCEEDED", updates[-1]["content"]["data"]["text/plain"])
        # Panels come before the cell's result.
        kinds = [m["msg_type"] for m in msgs]
        self.assertLess(kinds.index("display_data"), kinds.index("execute_result"))

    def test_3_configure_after_start_is_an_error(self):
        reply, msgs = run(self.kc, 'configure({ master: "local[3]" })')
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "NotebookUsageError")

    def test_4_spark_is_typed_for_completion(self):
        msg_id = self.kc.complete("spark.")
        matches = shell_reply(self.kc, msg_id)["content"]["matches"]
        self.assertIn("sparkContext", matches)

    def test_5_engine_error_shows_user_frames(self):
        code = "const data = [1, 2, 3];\nawait sc.parallelize(data, 2).map((x) => {\n  if (x === 2) throw new Error('bad record ' + x);\n  return x;\n}).collect()"
        reply, msgs = run(self.kc, code)
        self.assertEqual(reply["status"], "error")
        e = of_type(msgs, "error")[0]["content"]
        tb = "\n".join(e["traceback"])
        self.assertIn("bad record 2", tb)
        self.assertIn("Cell In[", tb)
        # The user's cell comes before any engine frame.
        engine_at = tb.find("/engine/")
        if engine_at >= 0:
            self.assertLess(tb.index("Cell In["), engine_at)
        reply, msgs = run(self.kc, "await sc.parallelize([5]).count()")
        self.assertEqual(result_text(msgs), "1")

    def test_6_interrupt_running_job(self):
        code = "await sc.parallelize([1, 2, 3, 4], 2).map((x) => { const end = Date.now() + 120000; while (Date.now() < end) {} return x; }).collect()"
        msg_id = self.kc.execute(code)
        wait_busy(self.kc, msg_id)
        time.sleep(3)
        self.km.interrupt_kernel()
        reply = shell_reply(self.kc, msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        msgs = collect(self.kc, msg_id)
        # the job's panel says what happened: cancelled by the interrupt, not FAILED
        panels = [m["content"]["data"].get("text/plain", "") for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]
        self.assertTrue(any("CANCELLED (interrupted)" in p for p in panels), panels[-2:])
        self.assertFalse(any(" FAILED:" in p for p in panels), panels[-2:])
        reply, msgs = run(self.kc, "await sc.parallelize([1, 2, 3]).count()")
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(result_text(msgs), "3")

    def test_7_restart_and_shutdown_leave_no_workers(self):
        pids = worker_pids(self.kc)
        self.assertGreaterEqual(len(pids), 1)
        kernel_pid = self.km.provisioner.process.pid
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=240)
        self.assertEqual(wait_dead(pids + [kernel_pid]), [])
        reply, msgs = run(self.kc, "await sc.parallelize([1, 2]).map((x) => x + 1).collect()")
        self.assertEqual(result_text(msgs), "[ 2, 3 ]")
        pids = worker_pids(self.kc)
        kernel_pid = self.km.provisioner.process.pid
        self.km.shutdown_kernel(now=False)
        self.assertEqual(wait_dead(pids + [kernel_pid]), [])


if __name__ == "__main__":
    unittest.main()
