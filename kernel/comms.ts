// Jupyter comms the workbench's front end opens on the kernel (the Jupyter messaging spec's
// comm_open / comm_msg / comm_close):
//   "bigdata.jobs"    - the live job panel: the running jobs, job events as they happen,
//                       { action: "cancel", jobId } to cancel one (Spark's cancelJob) and
//                       { action: "dag", jobId } for a job's DAG (a panel's "Show DAG") and
//                       { action: "stage", jobId, stageId } for a stage's drill-down;
//   "bigdata.cluster" - the Cluster sidebar: the workers (state, slots, cached blocks) and
//                       { action: "kill", workerId } / { action: "add" } for the fault demos.
// They are handled as they arrive, not queued behind a running cell: a cancel must reach the job
// the cell is waiting for. A comm to an unknown target is closed at once, as the spec asks.

import type { SparkListener, SparkSession } from "../engine/index";
import type { EngineContext, EngineSession } from "./notebook-session";
import { isRemoteSession } from "./notebook-session";

export const JOBS_TARGET = "bigdata.jobs";
export const CLUSTER_TARGET = "bigdata.cluster";
/** Spark's cancelJob reason for a job cancelled from the panel ("Job 3 cancelled from the job panel"). */
export const PANEL_CANCEL_REASON = "from the job panel";

type Content = Record<string, unknown>;

export interface CommIo {
  /** Publish a comm message on iopub (parent: the message being answered, if any). */
  publish(type: "comm_msg" | "comm_close", content: Content, parent?: unknown): void;
  /** The notebook's session if it has started (comms never start one). */
  session(): EngineSession | undefined;
  log(line: string): void;
}

export class CommManager {
  private readonly open = new Map<string, string>();   // comm id -> target
  private listening?: EngineSession;

  constructor(private readonly io: CommIo) {}

  /** comm_info_request: the open comms, of one target or all. */
  info(target?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const [id, t] of this.open) if (!target || t === target) out[id] = { target_name: t };
    return out;
  }

  /** A comm_open / comm_msg / comm_close from the front end. */
  handle(type: string, content: Content, parent: unknown): void {
    const id = String(content.comm_id ?? "");
    if (!id) return;
    if (type === "comm_open") {
      const target = String(content.target_name ?? "");
      if (target !== JOBS_TARGET && target !== CLUSTER_TARGET) {
        this.io.publish("comm_close", { comm_id: id, data: {} }, parent);
        return;
      }
      this.open.set(id, target);
      this.listen();
      this.send(id, target === JOBS_TARGET ? this.jobsSnapshot() : this.workersSnapshot(), parent);
      return;
    }
    if (type === "comm_close") {
      this.open.delete(id);
      return;
    }
    const target = this.open.get(id);
    if (!target) return;
    void this.onMessage(id, target, (content.data ?? {}) as Content, parent).catch((e: unknown) =>
      this.send(id, { event: "error", message: e instanceof Error ? e.message : String(e) }, parent));
  }

  private async onMessage(id: string, target: string, data: Content, parent: unknown): Promise<void> {
    this.listen();
    const action = String(data.action ?? "");
    if (target === JOBS_TARGET) {
      if (action === "cancel") {
        const jobId = Number(data.jobId);
        const ctx = this.context();
        if (!ctx?.cancelJob) throw new Error("no session: there is no job to cancel");
        if (!Number.isInteger(jobId)) throw new Error(`cancel needs a job id, got ${JSON.stringify(data.jobId)}`);
        ctx.cancelJob(jobId, PANEL_CANCEL_REASON);
        this.send(id, { event: "cancelRequested", jobId }, parent);
        return;
      }
      if (action === "jobs" || action === "") return this.send(id, this.jobsSnapshot(), parent);
      if (action === "dag" || action === "stage") {
        const jobId = Number(data.jobId);
        const job = this.context()?.getJob(jobId);
        if (!job) throw new Error(`job ${JSON.stringify(data.jobId)} is not known to this kernel (it restarted since, or the job is older than the jobs it keeps)`);
        // The job's DAG as spark.lastJob().dag() draws it, for a job panel's "Show DAG".
        if (action === "dag") return this.send(id, { event: "dag", jobId, bundle: await job.dag()._repr_mimebundle_() }, parent);
        // One stage's drill-down as it stands, for a click on a stage of the live panel.
        const stageId = Number(data.stageId);
        const drill = job.stageDrill(stageId);
        if (!drill) throw new Error(`job ${jobId} has no stage ${JSON.stringify(data.stageId)}`);
        return this.send(id, { event: "stage", jobId, stageId, drill: { ...drill } }, parent);
      }
    } else {
      const cluster = this.cluster();
      if (action === "workers" || action === "") return this.send(id, this.workersSnapshot(), parent);
      if (!cluster) throw new Error(this.noClusterReason());
      if (action === "kill") {
        await cluster.kill(String(data.workerId));
        return this.send(id, this.workersSnapshot(), parent);
      }
      if (action === "add") {
        const added = await cluster.addWorkers(1);
        return this.send(id, { ...this.workersSnapshot(), added }, parent);
      }
    }
    throw new Error(`unknown action '${action}' for ${target}`);
  }

  private send(id: string, data: Content, parent?: unknown): void {
    this.io.publish("comm_msg", { comm_id: id, data }, parent);
  }

  private broadcast(target: string, data: Content): void {
    for (const [id, t] of this.open) if (t === target) this.send(id, data);
  }

  private context(): EngineContext | undefined {
    const s = this.io.session();
    if (!s || isRemoteSession(s)) return undefined;
    return s.sparkContext;
  }

  private cluster(): SparkSession["cluster"] | undefined {
    const s = this.io.session();
    if (!s || isRemoteSession(s)) return undefined;
    return s.cluster;
  }

  private noClusterReason(): string {
    const s = this.io.session();
    return !s ? "no session yet: run a cell that uses spark or sc first" : "a Spark Connect session has no embedded cluster: its server manages its executors";
  }

  private jobsSnapshot(): Content {
    const tracker = this.context()?.statusTracker();
    const ids = tracker?.getActiveJobsIds() ?? [];
    return { event: "jobs", active: ids.map((id) => tracker!.getJobInfo(id)).filter(Boolean) };
  }

  private workersSnapshot(): Content {
    const cluster = this.cluster();
    return cluster ? { event: "workers", workers: cluster.workers() } : { event: "workers", workers: [], note: this.noClusterReason() };
  }

  /** Follow the session's events once it exists: job starts and ends, workers joining and leaving. */
  private listen(): void {
    const s = this.io.session();
    if (!s || s === this.listening) return;
    this.listening = s;
    const listener: SparkListener = {
      onJobStart: (e) => this.broadcast(JOBS_TARGET, { event: "jobStart", job: e.job }),
      onJobEnd: (e) => this.broadcast(JOBS_TARGET, { event: "jobEnd", job: e.job }),
      onWorkerAdded: () => this.broadcast(CLUSTER_TARGET, this.workersSnapshot()),
      onWorkerRemoved: () => this.broadcast(CLUSTER_TARGET, this.workersSnapshot()),
    };
    if (isRemoteSession(s)) s.addSparkListener(listener);
    else s.sparkContext.addSparkListener(listener);
  }

  /** The session started: comms opened before it now follow its events. */
  sessionStarted(): void {
    if (this.open.size) this.listen();
  }
}
