"""The bigdata kernel survives what users do wrong (run by protocol.test.ts): syntax errors, a
promise rejection nobody handles, an exception thrown later from a timer, a cell printing
megabytes, and one printing forever until interrupted. After each, the next cell still runs.
"""
import time
import unittest

from protocol_checks import KernelTestCase, collect, of_type, run, shell_reply, wait_busy

LIMIT = 10_000_000


def streams(msgs, name):
    return "".join(m["content"]["text"] for m in of_type(msgs, "stream") if m["content"]["name"] == name)


class RobustnessTests(KernelTestCase):

    def still_alive(self, n):
        self.assertTrue(self.km.is_alive())
        reply, msgs = run(self.kc, "%d + 1" % n)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"], str(n + 1))

    def test_syntax_error(self):
        reply, msgs = run(self.kc, "const = ;\nlet x = (1 + ;")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(of_type(msgs, "error")[0]["content"]["ename"], "TSError")
        self.still_alive(1)

    def test_unhandled_rejection_is_reported_not_fatal(self):
        reply, first = run(self.kc, "Promise.reject(new Error('nobody waits for me'));\n'after'")
        self.assertEqual(reply["status"], "ok", reply)
        # Reported within the cell that caused it (a front end drops output of finished cells).
        text = streams(first, "stderr")
        self.assertIn("Unhandled promise rejection", text)
        self.assertIn("nobody waits for me", text)
        self.still_alive(2)

    def test_exception_thrown_from_a_timer(self):
        # The timer fires while the next cell runs, so its report goes to that cell.
        reply, first = run(self.kc, "setTimeout(() => { throw new Error('late failure'); }, 1000);\n'scheduled'")
        self.assertEqual(reply["status"], "ok", reply)
        _, second = run(self.kc, "await new Promise((r) => setTimeout(r, 5000)); 'waited'")
        text = streams(first + second, "stderr")
        self.assertIn("Uncaught exception", text)
        self.assertIn("late failure", text)
        self.still_alive(3)

    def test_megabytes_of_output_are_capped(self):
        # About 12 MB of lines: the cell gets the first 10 MB and a note, the kernel stays up.
        reply, msgs = run(self.kc, "for (let i = 0; i < 750000; i++) console.log('line ' + String(i).padStart(10, '0'));\n'printed'")
        self.assertEqual(reply["status"], "ok", reply)
        out = streams(msgs, "stdout")
        self.assertLessEqual(len(out), LIMIT)
        self.assertGreater(len(out), LIMIT - 100)
        self.assertTrue(out.startswith("line 0000000000\nline 0000000001\n"))
        self.assertIn("[output truncated", streams(msgs, "stderr"))
        self.assertEqual(of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"], "'printed'")
        self.still_alive(4)

    def test_endless_output_until_interrupted(self):
        msg_id = self.kc.execute("while (true) console.log('again and again and again')")
        wait_busy(self.kc, msg_id)
        time.sleep(2)
        self.km.interrupt_kernel()
        reply = shell_reply(self.kc, msg_id)
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        msgs = collect(self.kc, msg_id)
        # Output streamed while the loop ran (the loop never yields to a timer).
        self.assertIn("again and again", streams(msgs, "stdout"))
        self.still_alive(5)


if __name__ == "__main__":
    unittest.main()
