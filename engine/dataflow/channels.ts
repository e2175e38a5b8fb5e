// Network channels between subtasks, worker side. An output channel fills a buffer of records and
// sends it when the buffer is full or the buffer timeout expires (Flink's flushing); it may only
// send while it holds credits, which the consumer returns as it recycles buffers (credit-based flow
// control): a producer whose channel has a buffer waiting for credit is backpressured and stops.
// An input gate holds the buffers of all input channels of a subtask, each channel's watermark,
// end-of-partition, and which channels are blocked while a checkpoint barrier is being aligned.

import type { RuntimeConfig, StreamElement } from "./types";

export interface ChannelTransport {
  sendBuffer(toSlot: number, ch: string, items: StreamElement[]): void;
  sendCredit(toSlot: number, ch: string): void;
}

export class OutputChannel {
  private items: StreamElement[] = [];
  private queue: StreamElement[][] = [];
  private timer: NodeJS.Timeout | undefined;
  private credits: number;
  private waiters: Array<() => void> = [];
  buffersSent = 0;

  constructor(readonly ch: string, readonly toSlot: number, private readonly t: ChannelTransport, private readonly cfg: RuntimeConfig) {
    this.credits = cfg.credits;
  }

  push(el: StreamElement, urgent = false): void {
    this.items.push(el);
    if (urgent || this.items.length >= this.cfg.bufferSize || this.cfg.bufferTimeout === 0) this.flush();
    else if (this.cfg.bufferTimeout > 0 && !this.timer) this.timer = setTimeout(() => { this.timer = undefined; this.flush(); }, this.cfg.bufferTimeout);
  }

  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.items.length) { this.queue.push(this.items); this.items = []; }
    this.drain();
  }

  addCredit(): void {
    this.credits++;
    this.drain();
  }

  private drain(): void {
    while (this.credits > 0 && this.queue.length) {
      this.credits--;
      this.buffersSent++;
      this.t.sendBuffer(this.toSlot, this.ch, this.queue.shift()!);
    }
    if (!this.queue.length) for (const w of this.waiters.splice(0)) w();
  }

  /** A full buffer is waiting for credit: the producer must stop. */
  get backpressured(): boolean {
    return this.queue.length > 0;
  }
  /** Records held here (not yet sent). */
  get held(): number {
    return this.items.length + this.queue.reduce((n, b) => n + b.length, 0);
  }
  whenWritable(): Promise<void> {
    return this.queue.length ? new Promise((r) => this.waiters.push(r)) : Promise.resolve();
  }
  close(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

export interface InputChannel {
  ch: string;
  fromSlot: number;
  buffers: Array<{ items: StreamElement[]; pos: number }>;
  watermark: number;
  ended: boolean;
  blocked: boolean;
  /** The producer declared itself idle (watermark status): left out of the watermark minimum. */
  idle: boolean;
  /** Which input of a two-input operator this channel feeds (1 or 2). */
  side: number;
  /** Barrier id received on this channel in the current alignment (-1 none). */
  barrier: number;
}

export class InputGate {
  readonly channels: InputChannel[] = [];
  private byId = new Map<string, InputChannel>();
  private rr = 0;
  private waiter: (() => void) | undefined;

  constructor(private readonly t: ChannelTransport, private readonly minWatermark: number) {}

  addChannel(ch: string, fromSlot: number, side = 1): void {
    const c: InputChannel = { ch, fromSlot, buffers: [], watermark: this.minWatermark, ended: false, blocked: false, idle: false, side, barrier: -1 };
    this.channels.push(c);
    this.byId.set(ch, c);
  }

  receive(ch: string, items: StreamElement[]): void {
    const c = this.byId.get(ch);
    if (!c) return;
    c.buffers.push({ items, pos: 0 });
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The next element of an unblocked channel (round robin), or undefined when none is available. */
  next(): { c: InputChannel; el: StreamElement } | undefined {
    const n = this.channels.length;
    for (let i = 0; i < n; i++) {
      const c = this.channels[(this.rr + i) % n];
      if (c.blocked || !c.buffers.length) continue;
      const b = c.buffers[0];
      const el = b.items[b.pos++];
      if (b.pos >= b.items.length) {
        c.buffers.shift();
        this.t.sendCredit(c.fromSlot, c.ch); // the buffer is recycled: one more credit for the producer
        this.rr = (this.rr + i + 1) % n;
      }
      return { c, el };
    }
    return undefined;
  }

  whenAvailable(): Promise<void> {
    return new Promise((r) => { this.waiter = r; });
  }
  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  queuedRecords(): number {
    let n = 0;
    for (const c of this.channels) for (const b of c.buffers) n += b.items.length - b.pos;
    return n;
  }
  queuedOnBlocked(): number {
    let n = 0;
    for (const c of this.channels) if (c.blocked) for (const b of c.buffers) n += b.items.length - b.pos;
    return n;
  }
}
