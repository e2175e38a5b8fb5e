// The lab plugin's parts that need no browser: the live panel's cancel button (which jobs it
// stops), the Cluster sidebar's HTML, and the kernel comms (one per kernel and target, opened
// again after a restart with its listeners kept). A stand-in kernel records what is sent; the
// real kernel end is tested in test/kernel/comms.test.ts and the whole in test/e2e/lab-panels.
import { describe, expect, it } from "vitest";
import { renderJobSummary } from "../../../engine/viz/job-summary";
import { renderProgress } from "../../../engine/viz/progress";
import { MIME } from "../../../engine/viz/mime";
import { jobFixture, runningJob, runningStages, stagesFixture, tasksFixture } from "../../../test/fixtures/viz/fixtures";
import { assertWellFormedXml } from "../../../test/fixtures/viz/xml-check";
import { clusterHtml } from "./cluster-view";
import { KernelComms, CLUSTER_TARGET, JOBS_TARGET } from "./kernel-comms";
import type { CommLike, JSONObject, KernelLike } from "./lab-types";
import { buttonJobIds } from "./plugin";
import { renderView } from "./render-model";

const viaJson = (b: Record<string, unknown>) => JSON.parse(JSON.stringify(b)) as Record<string, unknown>;

describe("the live panel's cancel button", () => {
  it("is drawn apart from the panel for the running jobs, and not for a finished one", () => {
    const live = renderView(MIME.progress, viaJson(renderProgress(runningJob, runningStages, { activeJobIds: [4, 5] })));
    expect(live.kind).toBe("progress");
    expect(live.html).not.toContain("bdw-cancel");
    expect(live.actionsKey).toBe("4,5");
    assertWellFormedXml(`<div>${live.actions!}</div>`);
    expect(live.actions).toContain('data-jobs="4,5"');
    expect(live.actions).toContain("Cancel jobs 4, 5");
    // A payload from before activeJobIds: the running job itself.
    const old = viaJson(renderProgress(runningJob, runningStages));
    delete (old[MIME.progress] as Record<string, unknown>)["activeJobIds"];
    expect(renderView(MIME.progress, old).actions).toContain(`Cancel job ${runningJob.jobId}<`);
    // Over: no button (a summary is a different view altogether).
    const done = renderView(MIME.progress, viaJson(renderProgress({ ...runningJob, status: "SUCCEEDED", completionTime: runningJob.submissionTime + 5 }, runningStages)));
    expect(done.actions).not.toContain("bdw-cancel");
    expect(live.actions).toContain(`class="bdw-show-dag" data-job="${runningJob.jobId}"`);
    const summary = renderView(MIME.progress, viaJson(renderJobSummary(jobFixture, stagesFixture, tasksFixture)));
    expect(summary.kind).toBe("summary");
    // a summary offers its job's DAG instead (fetched from the kernel by the plugin)
    expect(summary.actions).toContain(`class="bdw-show-dag" data-job="${jobFixture.jobId}"`);
  });

  it("reads its job ids back", () => {
    const attrs: Record<string, string> = { "data-jobs": "3,12" };
    const el = { getAttribute: (n: string) => attrs[n] ?? null } as unknown as Parameters<typeof buttonJobIds>[0];
    expect(buttonJobIds(el)).toEqual([3, 12]);
    attrs["data-jobs"] = "";
    expect(buttonJobIds(el)).toEqual([]);
  });
});

describe("the Cluster sidebar", () => {
  const worker = (id: string, state: "ALIVE" | "DEAD") => ({ id, pid: 42, host: "127.0.0.1", state, slots: 2, freeSlots: 1, shuffleAddress: "", lastHeartbeat: 1_000, cachedBlocks: 1, memoryBytes: 50 * 1024 * 1024 });

  it("lists the notebook's workers with a kill button per live one", () => {
    const html = clusterHtml({ notebook: "L06.ipynb", workers: [worker("worker-1", "ALIVE"), worker("worker-0", "DEAD")], message: "started worker-1", now: 2_000 });
    assertWellFormedXml(html);
    expect(html).toContain("Cluster: L06.ipynb");
    expect(html).toContain("1 of 2 workers alive");
    expect(html.match(/class="bdw-kill"/g)).toHaveLength(1);
    expect(html).toContain("50.0 MiB");
    expect(html).toContain('class="bdw-add"');
    expect(html).toContain("started worker-1");
  });

  it("says why there are no workers, and what to open when there is no notebook", () => {
    expect(clusterHtml({ notebook: "a.ipynb", workers: [], note: "no session yet: run a cell that uses spark or sc first", now: 0 })).toContain("no session yet");
    const none = clusterHtml({ notebook: "", workers: [], now: 0 });
    expect(none).toContain("Open a notebook");
    expect(none).not.toContain("bdw-add");
  });
});

class StandInComm implements CommLike {
  isDisposed = false;
  readonly sent: JSONObject[] = [];
  opened = 0;
  onMsg: (msg: { content: { data: unknown } }) => void = () => {};
  onClose: (msg: unknown) => void = () => {};
  constructor(readonly commId: string, readonly target: string) {}
  open(): void { this.opened++; }
  send(data: JSONObject): void { this.sent.push(data); }
  close(): void { this.isDisposed = true; }
}

function standInKernel(): KernelLike & { comms: StandInComm[] } {
  const comms: StandInComm[] = [];
  return {
    id: "k1", name: "bigdata", status: "idle", isDisposed: false, comms,
    statusChanged: { connect: () => true, disconnect: () => true },
    createComm(target: string) {
      const c = new StandInComm(`c${comms.length}`, target);
      comms.push(c);
      return c;
    },
  };
}

describe("KernelComms", () => {
  it("opens one comm per kernel and target and delivers its messages to the listeners", () => {
    const k = standInKernel();
    const comms = new KernelComms();
    const heard: JSONObject[] = [];
    comms.listen(k, CLUSTER_TARGET, (d) => heard.push(d));
    comms.send(k, CLUSTER_TARGET, { action: "workers" });
    comms.send(k, JOBS_TARGET, { action: "cancel", jobId: 3 });
    expect(k.comms.map((c) => [c.target, c.opened])).toEqual([[CLUSTER_TARGET, 1], [JOBS_TARGET, 1]]);
    expect(k.comms[1]!.sent).toEqual([{ action: "cancel", jobId: 3 }]);
    k.comms[0]!.onMsg({ content: { data: { event: "workers", workers: [] } } });
    expect(heard).toEqual([{ event: "workers", workers: [] }]);
  });

  it("opens the comm again, with the same listeners, after the kernel closed it", () => {
    const k = standInKernel();
    const comms = new KernelComms();
    const heard: unknown[] = [];
    comms.listen(k, CLUSTER_TARGET, (d) => heard.push(d.event));
    k.comms[0]!.close();   // a kernel restart disposes its comms
    comms.send(k, CLUSTER_TARGET, { action: "workers" });
    expect(k.comms).toHaveLength(2);
    expect(k.comms[1]!.sent).toEqual([{ action: "workers" }]);
    k.comms[1]!.onMsg({ content: { data: { event: "workers" } } });
    expect(heard).toEqual(["workers"]);
  });
});
