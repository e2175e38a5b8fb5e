"""A notebook on real Spark through Spark Connect (run by test/connect/kernel-remote.test.ts):
configure({ remote }) before first use, show() and the rich table of a remote DataFrame, the RDD
API refused, and the kernel's interrupt reaching the server's running operation.
"""
import os
import time
import unittest

from protocol_checks import KernelTestCase, collect, of_type, run, shell_reply, wait_busy

URL = os.environ["BDW_CONNECT_URL"]


def stdout_of(msgs):
    return "".join(m["content"]["text"] for m in of_type(msgs, "stream") if m["content"]["name"] == "stdout")


class RemoteTests(KernelTestCase):
    def test_1_configure_remote(self):
        reply, _ = run(self.kc, 'configure({ remote: "%s" })' % URL)
        self.assertEqual(reply["status"], "ok", reply)

    def test_2_show_runs_on_the_server(self):
        code = "\n".join([
            'const df = spark.sql("SELECT id, id * id AS sq FROM range(4)");',
            'await df.filter("id > 0").show();',
            "spark.version",
        ])
        reply, msgs = run(self.kc, code)
        self.assertEqual(reply["status"], "ok", reply)
        out = stdout_of(msgs)
        self.assertIn("| id| sq|", out)
        self.assertIn("|  3|  9|", out)
        self.assertNotIn("|  0|  0|", out)
        result = of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"]
        self.assertIn("4.0.1", result)
        # the remote action has the same progress panel as an embedded job, ending in its summary
        panels = [m["content"]["data"].get("text/plain", "") for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]
        self.assertTrue(any("SUCCEEDED" in p and "show at" in p for p in panels), panels)

    def test_3_rich_table(self):
        reply, msgs = run(self.kc, 'spark.createDataFrame([{ k: "a", v: 1 }, { k: "b", v: 2 }]).groupBy("k").count().orderBy("k")')
        self.assertEqual(reply["status"], "ok", reply)
        data = of_type(msgs, "execute_result")[0]["content"]["data"]
        self.assertIn("<table", data["text/html"])
        self.assertIn("|  a|    1|", data["text/plain"])

    def test_4_rdd_api_is_refused(self):
        reply, _ = run(self.kc, "sc.parallelize([1, 2])")
        self.assertEqual(reply["status"], "error")
        self.assertIn("JVM_ATTRIBUTE_NOT_SUPPORTED", reply["evalue"])

    def test_5_interrupt_reaches_the_server(self):
        code = 'await spark.sql("SELECT count(*) FROM range(0, 100000000000, 1, 2)").collect()'
        msg_id = self.kc.execute(code)
        wait_busy(self.kc, msg_id)
        time.sleep(4)
        self.km.interrupt_kernel()
        reply = shell_reply(self.kc, msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        collect(self.kc, msg_id)
        reply, msgs = run(self.kc, 'await spark.range(10).count()')
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"], "10")


if __name__ == "__main__":
    unittest.main()
