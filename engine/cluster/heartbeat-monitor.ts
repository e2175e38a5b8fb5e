// Decides when a worker has gone silent. Silence is measured in the driver's *awake* time: the
// monitor ticks on a timer, and when a tick comes late because the driver's event loop was
// busy (a notebook cell computing for 12 s, a large result being decoded), the stall counts only
// as one normal tick. Heartbeats that arrived during the stall wait in the socket's buffer and
// are read right after, so a healthy worker is never declared lost because the *driver* was
// busy; a worker that stays silent while the driver is responsive is.

export interface HeartbeatMonitorOptions {
  timeoutMs: number;
  /** Called once per silent worker with how long (awake ms) it has been silent. */
  onSilent(workerId: string, silentMs: number): void;
}

export class HeartbeatMonitor {
  private readonly stepMs: number;
  private awake = 0;
  private lastTick = Date.now();
  private readonly beatAt = new Map<string, number>();
  private readonly wallAt = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly opts: HeartbeatMonitorOptions) {
    this.stepMs = Math.max(50, Math.min(1000, opts.timeoutMs / 4));
  }

  start(): void {
    this.lastTick = Date.now();
    this.timer = setInterval(() => this.tick(), this.stepMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The driver's awake clock now: ticks so far plus the time since the last one (capped). */
  private awakeNow(): number {
    return this.awake + Math.min(Date.now() - this.lastTick, 2 * this.stepMs);
  }

  /** A worker spoke (heartbeat or any message). */
  beat(workerId: string): void {
    this.beatAt.set(workerId, this.awakeNow());
    this.wallAt.set(workerId, Date.now());
  }

  forget(workerId: string): void {
    this.beatAt.delete(workerId);
    this.wallAt.delete(workerId);
  }

  has(workerId: string): boolean {
    return this.beatAt.has(workerId);
  }

  /** Wall-clock time (epoch ms) of the worker's last message, for views. */
  lastHeartbeat(workerId: string): number | undefined {
    return this.wallAt.get(workerId);
  }

  /**
   * Advance the awake clock and judge. A late tick (the driver was stalled) counts as one step
   * and judges nobody: timers run before pending socket reads, so the heartbeats that queued up
   * during the stall are only read after this tick.
   */
  tick(): void {
    const now = Date.now();
    const late = now - this.lastTick > 2 * this.stepMs;
    this.awake += late ? this.stepMs : now - this.lastTick;
    this.lastTick = now;
    if (late) return;
    for (const [id, at] of [...this.beatAt]) {
      const silent = this.awake - at;
      if (silent > this.opts.timeoutMs) {
        this.forget(id);
        this.opts.onSilent(id, silent);
      }
    }
  }
}
