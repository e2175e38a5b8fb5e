"""The kernel's comms for the front end (run by comms.test.ts), through jupyter_client: the job
panel's comm ("bigdata.jobs": job events, cancel a running job while its cell waits) and the
Cluster sidebar's ("bigdata.cluster": workers, kill, add); an unknown target is closed at once.
"""
import time
import unittest
import uuid
from queue import Empty

from protocol_checks import KernelTestCase, of_type, run, shell_reply, wait_busy


def send(kc, msg_type, content):
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def open_comm(kc, target):
    comm_id = uuid.uuid4().hex
    send(kc, "comm_open", {"comm_id": comm_id, "target_name": target, "data": {}})
    return comm_id


def comm_messages(kc, comm_id, until, timeout=60):
    """iopub comm messages of one comm until `until(data)` holds; returns (all data, the match)."""
    seen = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=2)
        except Empty:
            continue
        if m["msg_type"] not in ("comm_msg", "comm_close") or m["content"].get("comm_id") != comm_id:
            continue
        data = dict(m["content"].get("data") or {}, _type=m["msg_type"])
        seen.append(data)
        if until(data):
            return seen, data
    raise AssertionError("no matching comm message for %s; saw %r" % (comm_id, seen))


class CommTests(KernelTestCase):
    def test_1_unknown_target_is_closed(self):
        comm_id = open_comm(self.kc, "no.such.target")
        _, closed = comm_messages(self.kc, comm_id, lambda d: d["_type"] == "comm_close")
        self.assertEqual(closed["_type"], "comm_close")

    def test_2_cluster_sidebar_lists_kills_and_adds_workers(self):
        reply, _ = run(self.kc, "await sc.parallelize([1, 2, 3], 3).count()")
        self.assertEqual(reply["status"], "ok", reply)
        comm_id = open_comm(self.kc, "bigdata.cluster")
        _, first = comm_messages(self.kc, comm_id, lambda d: d.get("event") == "workers" and len(d["workers"]) >= 2)
        alive = [w for w in first["workers"] if w["state"] == "ALIVE"]
        self.assertGreaterEqual(len(alive), 2, first)
        for key in ("id", "pid", "slots", "cachedBlocks"):
            self.assertIn(key, alive[0])
        victim = alive[0]["id"]
        send(self.kc, "comm_msg", {"comm_id": comm_id, "data": {"action": "kill", "workerId": victim}})
        comm_messages(self.kc, comm_id, lambda d: d.get("event") == "workers" and all(w["id"] != victim or w["state"] != "ALIVE" for w in d["workers"]))
        send(self.kc, "comm_msg", {"comm_id": comm_id, "data": {"action": "add"}})
        _, added = comm_messages(self.kc, comm_id, lambda d: "added" in d)
        self.assertEqual(len(added["added"]), 1)
        new_id = added["added"][0]
        # the sidebar hears the worker join (a workers event lists it, alive)
        comm_messages(self.kc, comm_id, lambda d: d.get("event") == "workers" and any(w["id"] == new_id and w["state"] == "ALIVE" for w in d["workers"]))
        send(self.kc, "comm_msg", {"comm_id": comm_id, "data": {"action": "reboot"}})
        _, err = comm_messages(self.kc, comm_id, lambda d: d.get("event") == "error")
        self.assertIn("unknown action 'reboot'", err["message"])

    def test_3_job_panel_cancels_a_running_job(self):
        comm_id = open_comm(self.kc, "bigdata.jobs")
        comm_messages(self.kc, comm_id, lambda d: d.get("event") == "jobs")
        code = "await sc.parallelize([1, 2, 3, 4], 4).map((x) => { const t = Date.now(); while (Date.now() - t < 30000) { /* slow */ } return x; }).collect()"
        msg_id = self.kc.execute(code)
        wait_busy(self.kc, msg_id)
        _, started = comm_messages(self.kc, comm_id, lambda d: d.get("event") == "jobStart")
        job_id = started["job"]["jobId"]
        t0 = time.time()
        send(self.kc, "comm_msg", {"comm_id": comm_id, "data": {"action": "cancel", "jobId": job_id}})
        seen, _ = comm_messages(self.kc, comm_id, lambda d: d.get("event") == "cancelRequested" and d["jobId"] == job_id)
        reply = shell_reply(self.kc, msg_id, timeout=60)
        self.assertLess(time.time() - t0, 25, "the cancel reached the job while its cell ran")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("cancelled from the job panel", reply["content"]["evalue"])
        # the job's end reaches the panel (cancelJob ends it at once, so it may come before the acknowledgement)
        is_end = lambda d: d.get("event") == "jobEnd" and d["job"]["jobId"] == job_id
        ended = next((d for d in seen if is_end(d)), None) or comm_messages(self.kc, comm_id, is_end)[1]
        self.assertEqual(ended["job"]["status"], "FAILED")

    def test_4_comm_info_lists_the_open_comms(self):
        comm_id = open_comm(self.kc, "bigdata.jobs")
        comm_messages(self.kc, comm_id, lambda d: d.get("event") == "jobs")
        r = shell_reply(self.kc, self.kc.comm_info(target_name="bigdata.jobs"))
        self.assertEqual(r["content"]["comms"].get(comm_id), {"target_name": "bigdata.jobs"})
        self.assertTrue(all(v["target_name"] == "bigdata.jobs" for v in r["content"]["comms"].values()))
        send(self.kc, "comm_close", {"comm_id": comm_id, "data": {}})
        time.sleep(0.5)
        r = shell_reply(self.kc, self.kc.comm_info())
        self.assertNotIn(comm_id, r["content"]["comms"])

    def test_5_job_panel_fetches_a_jobs_dag(self):
        reply, msgs = run(self.kc, "await sc.parallelize([1, 2, 3, 4], 2).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b).collect(); spark.lastJob()!.jobId")
        self.assertEqual(reply["status"], "ok", reply)
        job_id = int(of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"])
        comm_id = open_comm(self.kc, "bigdata.jobs")
        comm_messages(self.kc, comm_id, lambda d: d.get("event") == "jobs")
        send(self.kc, "comm_msg", {"comm_id": comm_id, "data": {"action": "dag", "jobId": job_id}})
        _, dag = comm_messages(self.kc, comm_id, lambda d: d.get("event") in ("dag", "error"))
        self.assertEqual(dag.get("event"), "dag", dag)
        payload = dag["bundle"]["application/vnd.bigdata.dag+json"]
        self.assertEqual(payload["jobId"], job_id)
        # the reduceByKey shuffle: a map stage and a result stage joined by one shuffle edge
        self.assertEqual(len(payload["stages"]), 2)
        self.assertEqual(len(payload["edges"]), 1)
        # a stage's drill-down: the map stage's two tasks, its metrics quantiles
        map_stage = next(s for s in payload["stages"] if s["kind"] == "ShuffleMapStage")["stageId"]
        send(self.kc, "comm_msg", {"comm_id": comm_id, "data": {"action": "stage", "jobId": job_id, "stageId": map_stage}})
        _, stage = comm_messages(self.kc, comm_id, lambda d: d.get("event") in ("stage", "error"))
        self.assertEqual(stage.get("event"), "stage", stage)
        self.assertEqual(len(stage["drill"]["tasks"]), 2)
        self.assertEqual(stage["drill"]["metrics"]["numSuccessful"], 2)
        send(self.kc, "comm_msg", {"comm_id": comm_id, "data": {"action": "dag", "jobId": 9999}})
        _, err = comm_messages(self.kc, comm_id, lambda d: d.get("event") == "error")
        self.assertIn("not known to this kernel", err["message"])

if __name__ == "__main__":
    unittest.main()
