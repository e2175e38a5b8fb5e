// Starts a kernel from its kernelspec, connects a KernelClient and owns the process until it is
// gone. The kernel runs in its own process group so that a terminal's Ctrl-C reaches only us,
// and so that shutdown can reap whatever the kernel itself started (engine workers).

import { spawn, type ChildProcess } from "node:child_process";
import { chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newConnectionInfo, writeConnectionFile } from "./connection-file";
import { KernelClient } from "./kernel-client";
import { kernelArgv, type KernelSpec } from "./kernelspec";
import type { JupyterMessage } from "../../protocol/wire";

export class KernelStartError extends Error {
  override name = "KernelStartError";
}

export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the first kernel_info_reply, ms. */
  startupTimeoutMs?: number;
  /** Receives kernel stdout/stderr chunks (the runner shows them with --verbose). */
  onOutput?: (chunk: string) => void;
  /** Folder for the connection file (default: JUPYTER_RUNTIME_DIR or the system temp folder). */
  runtimeDir?: string;
  /** Rewrites the kernel's final environment (after the kernelspec's env; the grader's sandbox). */
  mapEnv?: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  /** Rewrites the kernel's command line (the grader's sandbox wraps it). */
  wrap?: (argv: string[]) => string[];
  /** The user the kernel runs as: it gets the connection file. */
  user?: { uid: number; gid: number };
  /** Start the process as `user` (unless the wrapper switches user itself). */
  spawnAsUser?: boolean;
}

const OUTPUT_TAIL = 16_384;

export class KernelProcess {
  private outputTail = "";
  private exitInfo: KernelExit | undefined;
  readonly exited: Promise<KernelExit>;
  kernelInfo: Record<string, unknown> = {};

  private constructor(
    readonly spec: KernelSpec,
    readonly child: ChildProcess,
    readonly client: KernelClient,
    private readonly tempDir: string,
    onOutput?: (chunk: string) => void,
  ) {
    const keep = (b: Buffer) => {
      const s = b.toString("utf8");
      this.outputTail = (this.outputTail + s).slice(-OUTPUT_TAIL);
      onOutput?.(s);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    // If our own process dies abruptly, take the kernel's group with it.
    process.once("exit", this.reapOnExit);
  }

  /**
   * Start a kernel. The ports are picked free just before the kernel binds them, so another
   * process may take one in between: a kernel that exits with "address already in use" is
   * started again with new ports (as jupyter_client's restarter would), up to three times.
   */
  static async start(spec: KernelSpec, opts: StartOptions = {}): Promise<KernelProcess> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await KernelProcess.startOnce(spec, opts);
      } catch (e) {
        if (attempt >= 3 || !/address already in use|EADDRINUSE/i.test(String((e as Error)?.message ?? e))) throw e;
      }
    }
  }

  private static async startOnce(spec: KernelSpec, opts: StartOptions): Promise<KernelProcess> {
    // Connection files live in Jupyter's runtime directory when one is set (as jupyter_client does).
    const runtime = opts.runtimeDir ?? process.env.JUPYTER_RUNTIME_DIR;
    if (runtime) await mkdir(runtime, { recursive: true });
    const tempDir = await mkdtemp(join(runtime || tmpdir(), "workbench-kernel-"));
    const conn = await newConnectionInfo(spec.name);
    const connFile = join(tempDir, "kernel.json");
    await writeConnectionFile(connFile, conn);
    if (opts.user) {
      await chown(tempDir, opts.user.uid, opts.user.gid);
      await chown(connFile, opts.user.uid, opts.user.gid);
    }
    const argv = kernelArgv(spec, connFile);
    const [cmd, ...args] = opts.wrap ? opts.wrap(argv) : argv;
    const child = spawn(cmd!, args, {
      ...(opts.user && opts.spawnAsUser ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
      cwd: opts.cwd,
      env: (opts.mapEnv ?? ((e: NodeJS.ProcessEnv) => e))({ ...(opts.env ?? process.env), ...(spec.env ?? {}) }),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
    const kp = new KernelProcess(spec, child, new KernelClient(conn), tempDir, opts.onOutput);
    try {
      await kp.waitReady(opts.startupTimeoutMs ?? 60_000, spawnError);
    } catch (e) {
      await kp.kill();
      throw e;
    }
    return kp;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** Last lines the kernel printed, for error reports when it dies. */
  get output(): string {
    return this.outputTail;
  }

  /** Interrupts the running cell the way the kernelspec asks (message or SIGINT). */
  async interrupt(): Promise<void> {
    if (!this.alive) return;
    if (this.spec.interrupt_mode === "message") {
      const { reply } = this.client.request("control", "interrupt_request", {});
      await Promise.race([reply, sleep(5_000)]);
    } else if (this.child.pid) {
      try {
        process.kill(this.child.pid, "SIGINT");
      } catch {
        // already gone
      }
    }
  }

  /** Asks the kernel to shut down, then makes sure its whole process group is gone. */
  async shutdown(timeoutMs = 10_000): Promise<KernelExit> {
    if (this.alive) {
      const { reply } = this.client.request("control", "shutdown_request", { restart: false });
      await Promise.race([reply, this.exited, sleep(timeoutMs)]);
      await Promise.race([this.exited, sleep(timeoutMs)]);
    }
    return this.kill();
  }

  /** Terminates the kernel's process group (TERM, then KILL) and cleans up; idempotent. */
  async kill(): Promise<KernelExit> {
    if (this.alive) {
      this.signalGroup("SIGTERM");
      await Promise.race([this.exited, sleep(3_000)]);
      if (this.alive) this.signalGroup("SIGKILL");
    }
    const exit = await this.exited;
    // The kernel may be gone while children it started still run in its group.
    this.signalGroup("SIGTERM");
    this.client.close();
    process.removeListener("exit", this.reapOnExit);
    await rm(this.tempDir, { recursive: true, force: true });
    return exit;
  }

  private readonly reapOnExit = (): void => {
    this.signalGroup("SIGKILL");
  };

  private signalGroup(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (!pid) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // ESRCH: nothing left in the group
    }
  }

  private async waitReady(timeoutMs: number, spawnError: Promise<Error>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const failed = Promise.race([
      spawnError.then((e) => new KernelStartError(`cannot start kernel ${this.spec.argv[0]}: ${e.message}`)),
      this.exited.then(
        (x) => new KernelStartError(`kernel exited during startup (code ${x.code}, signal ${x.signal})\n${this.outputTail}`),
      ),
    ]);
    // A reply on shell proves the kernel is up; an iopub status for one of our requests proves
    // our subscription is live (a late SUB would otherwise miss the first cell's outputs).
    let shellOk = false;
    let iopubOk = false;
    const ids = new Set<string>();
    const off = this.client.onIopub((m) => {
      if (m.parent_header.msg_id && ids.has(m.parent_header.msg_id)) iopubOk = true;
    });
    try {
      while (!(shellOk && iopubOk)) {
        if (Date.now() > deadline) {
          throw new KernelStartError(`kernel did not answer within ${timeoutMs} ms\n${this.outputTail}`);
        }
        const { msgId, reply } = this.client.request("shell", "kernel_info_request", {});
        ids.add(msgId);
        const got = await Promise.race([reply, failed, sleep(shellOk ? 250 : 1_000)]);
        if (got instanceof Error) throw got;
        if (got) {
          shellOk = true;
          this.kernelInfo = (got as JupyterMessage).content;
          await sleep(50);
        }
      }
    } finally {
      off();
    }
  }
}

export function sleep(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref?.());
}
