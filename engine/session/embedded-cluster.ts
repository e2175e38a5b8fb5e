// The driver side of a running cluster: the WebSocket endpoint workers join, the DAG scheduler
// it feeds, and (for local masters) the worker processes it launched. A lost local worker is
// replaced by a fresh one, as a cluster manager would restart an executor.

import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { DriverEndpoint } from "../cluster/driver-endpoint";
import { LocalLauncher } from "../cluster/local-launcher";
import { KeepAlive } from "../cluster/keep-alive";
import { newToken } from "../rpc/transport";
import { DAGScheduler } from "../scheduler/dag-scheduler";
import { WorkbenchError } from "../common/errors";
import { warmSourceAnalysis } from "../common/closure";
import type { WorkerInfo } from "../scheduler/job-info";
import type { SparkConf, MasterSpec } from "./spark-conf";
import { workerBundle } from "./worker-bundle";

export class EmbeddedCluster {
  readonly token: string;
  readonly endpoint: DriverEndpoint;
  readonly scheduler: DAGScheduler;
  /** What keeps the driver's process alive: running jobs, starting and stopping (not idle workers). */
  readonly keepAlive = new KeepAlive();
  private launcher?: LocalLauncher;
  private nextWorker = 0;
  private readonly local = new Set<string>();
  private stopping = false;
  private readonly waiters: Array<() => void> = [];
  private registered = 0;

  constructor(private readonly spec: MasterSpec, private readonly conf: SparkConf, checkpointDir: () => string | undefined) {
    this.token = conf.get("spark.authenticate.secret") ?? newToken();
    this.scheduler = new DAGScheduler({
      launch: (workerId, msg) => this.endpoint.send(workerId, msg),
      kill: (workerId, taskId, reason) => { this.endpoint.send(workerId, { t: "kill", taskId, reason }); },
    }, {
      checkpointDir,
      localityWaitMs: conf.getMs("spark.locality.wait", 3000),
      maxTaskFailures: conf.getInt("spark.task.maxFailures", 4),
      prefetch: nonNegative(conf.getInt("spark.workbench.scheduler.prefetch", -1)),
      maxResultSize: conf.getBytes("spark.driver.maxResultSize", 1024 * 1024 * 1024),
      lastHeartbeat: (id) => this.endpoint.lastHeartbeat(id),
      memoryBytes: (id) => this.endpoint.memoryBytes(id),
      hold: () => this.keepAlive.hold(),
    });
    this.endpoint = new DriverEndpoint({
      token: this.token,
      host: conf.get("spark.driver.host", "127.0.0.1"),
      port: conf.getInt("spark.driver.port", 0),
      heartbeatTimeoutMs: conf.getMs("spark.network.timeout", 10_000),
      // Spark's spark.rpc.message.maxSize is in MiB (default 128).
      maxFrameBytes: conf.getInt("spark.rpc.message.maxSize", 128) * 1024 * 1024,
      events: {
        workerRegistered: (w) => {
          this.scheduler.workerAdded(w);
          this.registered++;
          for (const f of this.waiters.splice(0)) f();
        },
        taskEnded: (id, msg) => this.scheduler.taskEnded(id, msg),
        workerLost: (id, reason) => {
          this.scheduler.workerLost(id, reason);
          // A hung local worker (no heartbeats) must not linger: finish it off.
          if (this.local.has(id)) void this.launcher?.kill(id, "SIGKILL");
          if (this.local.delete(id) && !this.stopping && this.conf.getBool("spark.workbench.replaceLostWorkers", true)) this.launchLocal();
        },
        log: (id, level, text) => { if (level !== "info") console.error(`[${id}] ${text}`); },
      },
    });
  }

  get driverUrl(): string {
    return this.endpoint.url;
  }

  start(): Promise<void> {
    return this.keepAlive.during(this.startCluster());
  }

  private async startCluster(): Promise<void> {
    await this.endpoint.start();
    if (this.spec.localWorkers > 0) {
      const heap = this.conf.contains("spark.executor.memory") ? Math.floor(this.conf.getBytes("spark.executor.memory", 0) / (1024 * 1024)) : undefined;
      // Prebuilt worker code when available: workers then boot without transpiling the engine.
      const bundle = this.conf.getBool("spark.workbench.prebuiltWorkers", true) ? workerBundle() : undefined;
      this.launcher = new LocalLauncher({
        driverUrl: this.endpoint.url,
        token: this.token,
        entry: bundle?.entry ?? fileURLToPath(new URL("./worker-entry.ts", import.meta.url)),
        heapMb: heap,
        nodeOptions: executorNodeOptions(this.conf, this.spec),
        workerOptions: {
          ...(bundle ? { executorModule: bundle.executorModule, preload: [] } : {}),
          cores: this.spec.coresPerWorker,
          executorHeapMb: heap,
          memoryBudgetBytes: this.conf.getBytes("spark.workbench.cache.memory", heap ? Math.floor(heap * 1024 * 1024 * 0.3) : 256 * 1024 * 1024),
          spillThresholdBytes: this.conf.getBytes("spark.shuffle.spill.threshold", heap ? Math.floor(heap * 1024 * 1024 * 0.15) : 64 * 1024 * 1024),
        },
      });
      for (let i = 0; i < this.spec.localWorkers; i++) this.launchLocal();
      // While the workers boot (hundreds of ms), the first job's closure analysis gets ready.
      setImmediate(warmSourceAnalysis);
      await this.waitForWorkers(this.spec.localWorkers, this.conf.getMs("spark.workbench.workerStartTimeout", 60_000));
    }
  }

  private launchLocal(): void {
    const id = `worker-${this.nextWorker++}`;
    this.local.add(id);
    this.launcher!.launch(id);
  }

  async waitForWorkers(n: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.registered < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new WorkbenchError("WORKERS_DID_NOT_START", `only ${this.registered} of ${n} workers registered within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  /** Wait until at least one worker is alive (jobs queue until then anyway). */
  workers(): WorkerInfo[] {
    return this.scheduler.workerInfos();
  }

  pids(): number[] {
    return this.launcher?.pids() ?? [];
  }

  pidOf(workerId: string): number | undefined {
    return this.launcher?.pid(workerId);
  }

  /** Ask a service a worker hosts in its main thread (engine/cluster/worker-services.ts). */
  request(workerId: string, service: string, op: unknown, timeoutMs?: number): Promise<unknown> {
    // A pending request keeps the driver's process alive, as a running job does.
    return this.keepAlive.during(this.endpoint.request(workerId, service, op, timeoutMs));
  }

  /** Kill a worker process abruptly (SIGKILL), as a machine failure would. */
  async kill(workerId: string): Promise<void> {
    if (this.launcher?.pid(workerId) !== undefined && this.local.has(workerId)) {
      await this.keepAlive.during(this.launcher.kill(workerId, "SIGKILL"));
      // The process is gone: say so now rather than when its socket's close event comes round, so
      // that what the caller does next already sees the worker lost.
      this.endpoint.drop(workerId, "connection closed (worker process exited or was killed)");
      return;
    }
    if (!this.endpoint.workerIds.includes(workerId)) {
      throw new WorkbenchError("WORKER_NOT_FOUND", `no live worker '${workerId}' (workers: ${this.endpoint.workerIds.join(", ") || "none"})`);
    }
    this.endpoint.send(workerId, { t: "shutdown" });
    this.endpoint.drop(workerId, "killed on request");
  }

  /** Start more local workers (demos of scaling out). */
  async addWorkers(n: number): Promise<string[]> {
    if (!this.launcher) throw new WorkbenchError("UNSUPPORTED_OPERATION", "this session has no local workers to add to (master 'driver')");
    const before = this.registered;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(`worker-${this.nextWorker}`);
      this.launchLocal();
    }
    await this.keepAlive.during(this.waitForWorkers(before + n, 60_000));
    return ids;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const release = this.keepAlive.hold();
    try {
      await this.endpoint.close();
      await this.launcher?.stopAll();
    } finally {
      release();
    }
  }
}

/**
 * The Node options of the local worker processes: `spark.workbench.executor.nodeOptions`
 * (space-separated; empty for none). By default, when the machine has no core to spare for V8's
 * background compiler (as many executor threads as cores, or more), V8 optimizes a hot function
 * on the executor thread that runs it (`--no-concurrent-recompilation`); otherwise a background
 * compilation waits for a core while the task runs on in slower code, for every hot loop a cold
 * task meets. Measured on two cores, local[2]: the Pregel PageRank benchmark 277-358 ms against
 * 309-443 without (4 pairs); the cached SQL benchmarks unchanged.
 */
export function executorNodeOptions(conf: SparkConf, spec: MasterSpec, cores = availableParallelism()): string[] {
  const set = conf.get("spark.workbench.executor.nodeOptions");
  if (set !== undefined) return set.split(/\s+/).filter((o) => o !== "");
  return cores <= spec.localWorkers * spec.coresPerWorker ? ["--no-concurrent-recompilation"] : [];
}

/** A count setting's value, or undefined (the component's default) when unset or not a count. */
function nonNegative(n: number): number | undefined {
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
