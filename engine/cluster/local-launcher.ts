// Starts and stops the worker processes of an embedded local[N] cluster. Each worker is a real
// Node process (with the tsx loader when its entry is TypeScript; a prebuilt JavaScript entry
// needs none) that connects back to the driver over loopback. The IPC channel makes a worker
// exit if the driver dies.

import { spawn, type ChildProcess } from "node:child_process";

export interface LaunchOptions {
  driverUrl: string;
  token: string;
  /** File path of the worker entry script (TypeScript, run through tsx, or plain JavaScript). */
  entry: string;
  /** Heap cap of each worker process (and its executor threads), MB. */
  heapMb?: number;
  /** Extra Node and V8 options of each worker process (they reach its executor threads). */
  nodeOptions?: string[];
  /** Extra options passed to the worker entry as JSON. */
  workerOptions?: Record<string, unknown>;
}

export class LocalLauncher {
  private readonly procs = new Map<string, ChildProcess>();
  private readonly exited = new Map<string, Promise<void>>();

  constructor(private readonly opts: LaunchOptions) {}

  launch(workerId: string): ChildProcess {
    const execArgv = /\.[cm]?tsx?$/.test(this.opts.entry) ? ["--import", import.meta.resolve("tsx/esm")] : [];
    if (this.opts.heapMb) execArgv.push(`--max-old-space-size=${this.opts.heapMb}`);
    execArgv.push(...(this.opts.nodeOptions ?? []));
    const child = spawn(process.execPath, [...execArgv, this.opts.entry], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: {
        ...process.env,
        BIGDATA_WORKER: JSON.stringify({
          driverUrl: this.opts.driverUrl, token: this.opts.token, workerId, ...this.opts.workerOptions,
        }),
      },
    });
    // An idle session must not keep the driver's process alive (see keep-alive.ts); the IPC
    // channel still ends the worker when the driver exits.
    child.unref();
    (child.channel as { unref?: () => void } | null | undefined)?.unref?.();
    this.procs.set(workerId, child);
    this.exited.set(workerId, new Promise<void>((r) => child.once("exit", () => r())));
    return child;
  }

  pid(workerId: string): number | undefined {
    return this.procs.get(workerId)?.pid;
  }

  pids(): number[] {
    return [...this.procs.values()].map((p) => p.pid).filter((p): p is number => p !== undefined);
  }

  /** Kill one worker process abruptly (SIGKILL by default), as a machine failure would. */
  async kill(workerId: string, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const p = this.procs.get(workerId);
    if (!p) return;
    if (p.exitCode === null && p.signalCode === null) p.kill(signal);
    if (signal === "SIGKILL" || signal === "SIGTERM") await this.exited.get(workerId);
  }

  /** Wait for every worker to exit (after the driver told them to), killing stragglers. */
  async stopAll(graceMs = 3000): Promise<void> {
    const all = [...this.procs.entries()];
    await Promise.all(all.map(async ([id, p]) => {
      const done = this.exited.get(id)!;
      if (p.exitCode !== null || p.signalCode !== null) return;
      const timer = setTimeout(() => p.kill("SIGKILL"), graceMs);
      try { p.disconnect?.(); } catch { /* already */ }
      await done;
      clearTimeout(timer);
    }));
    this.procs.clear();
  }
}
