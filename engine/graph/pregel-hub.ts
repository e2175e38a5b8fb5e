// Pregel's barrier mode, the driver side: the hub the tasks of a segment connect to (loopback, the
// run's secret in the first frame, else refused). It tells every task where the others listen once
// all have started, collects each superstep's statistics from every partition, and answers all of
// them at once with the reduced aggregators, or stop: the superstep barrier (messages themselves go
// task to task). A task that is lost (its connection closes before the end), a compute() that
// throws, or tasks that do not all start in time abort the segment: every task is told, and fails.

import { randomBytes } from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";
import { decode, encode } from "../common/codec";
import { sameSecret } from "../rpc/auth";
import type { FromHub, ToHub } from "./pregel-barrier";
import type { SuperstepStats } from "./pregel-partition";

/** What the driver answers after superstep `step`: the aggregators for the next one, or stop. */
export type StepDecision = { aggregates: Record<string, unknown>; /** The run is over: the tasks stop and return their vertex values. */ stop: boolean };

export class PregelHub {
  readonly secret = randomBytes(24).toString("hex");
  url = "";
  /** The message of a compute() that threw, if one did: the run fails with it. */
  computeFailed: string | null = null;
  /** Why the segment was aborted, if it was. */
  aborted: string | null = null;
  /** Set when the tasks did not all start in time (too few free task slots): run without barriers. */
  notAllStarted = false;
  /** Connections refused for a missing or wrong secret. */
  refused = 0;
  private wss?: WebSocketServer;
  private readonly conns = new Map<number, WebSocket>();
  private readonly urls: Record<string, string> = {};
  private readonly steps = new Map<number, SuperstepStats[]>();
  private finished = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly parts: number,
    private readonly attempt: number,
    private readonly onStep: (step: number, stats: SuperstepStats[]) => Promise<StepDecision>,
    private readonly startTimeoutMs: number,
  ) {}

  /** How many of the partitions' tasks have reached the hub. */
  get started(): number { return this.conns.size; }

  async start(): Promise<this> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: 64 * 1024 * 1024 });
    this.wss = wss;
    await new Promise<void>((r) => wss.once("listening", () => r()));
    this.url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
    wss.on("connection", (ws) => this.accept(ws));
    this.timer = setTimeout(() => {
      if (this.conns.size < this.parts) {
        this.notAllStarted = true;
        this.abort(`only ${this.conns.size} of ${this.parts} vertex partitions' tasks started within ${this.startTimeoutMs / 1000} s (a barrier needs a free task slot for each)`);
      }
    }, this.startTimeoutMs);
    return this;
  }

  private accept(ws: WebSocket): void {
    let pid = -1;
    ws.on("error", () => {});
    ws.on("message", (data) => {
      let m: ToHub | undefined;
      try { m = decode<ToHub>(data as Buffer); } catch { m = undefined; }
      if (pid < 0) {
        if (m?.t !== "hello" || !sameSecret(m.secret, this.secret)) { this.refused++; ws.close(4003, "unauthorized"); return; }
        if (m.attempt !== this.attempt || this.aborted !== null) { ws.send(encode({ t: "abort", reason: this.aborted ?? "a stale attempt" } satisfies FromHub)); return; }
        pid = m.pid;
        this.conns.set(pid, ws);
        this.urls[pid] = m.dataUrl;
        if (this.conns.size === this.parts) { clearTimeout(this.timer); this.broadcast({ t: "peers", urls: this.urls }); }
        return;
      }
      if (!m || this.aborted !== null) return;
      if (m.t === "failed") {
        this.computeFailed = m.message;
        this.abort(`compute() failed in vertex partition ${m.pid}`);
      } else if (m.t === "step") this.stepDone(m.step, m.stats);
    });
    ws.on("close", () => {
      if (pid >= 0 && this.conns.get(pid) === ws && !this.finished) this.abort(`the task of vertex partition ${pid} was lost`);
    });
  }

  private stepDone(step: number, stats: SuperstepStats): void {
    const got = this.steps.get(step) ?? [];
    got.push(stats);
    this.steps.set(step, got);
    if (got.length < this.parts) return;
    this.steps.delete(step);
    void this.onStep(step, got.sort((a, b) => a.pid - b.pid)).then((decision) => {
      if (this.aborted !== null) return;
      if (decision.stop) this.finished = true;
      this.broadcast({ t: "go", step, ...decision });
    }, (e: Error) => this.abort(`the driver failed after superstep ${step}: ${e.message}`));
  }

  /** Tell every task to stop with an error (the driver then restarts the run, or fails it). */
  abort(reason: string): void {
    if (this.aborted !== null || this.finished) return;
    this.aborted = reason;
    this.broadcast({ t: "abort", reason });
  }

  private broadcast(m: FromHub): void {
    const bytes = encode(m);
    for (const ws of this.conns.values()) { try { ws.send(bytes); } catch { /* closing */ } }
  }

  async close(): Promise<void> {
    this.finished = true;
    clearTimeout(this.timer);
    const wss = this.wss;
    if (!wss) return;
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  }
}
