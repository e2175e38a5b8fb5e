// Source readers, worker side: what a source subtask polls for its next element. Bounded ones split
// their records over the source's subtasks (collection, sequence, generator: record i goes to subtask
// i mod p, and the position is the checkpointed offset, so a restored job rewinds exactly); files are
// split by file (the lines read per file are the offset; a monitored directory never ends and picks
// up new files); a socket source reads lines from a TCP server (not replayable, as Flink's); the
// controlled source replays what the notebook fed it (records with timestamps and watermarks).

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { ExecutionError } from "../common/errors";
import { hashKeyText } from "./key-groups";
import type { SourceSpec } from "./types";

export type SourceElement = { v: unknown; ts?: number } | { wm: number };

export interface SourceReader {
  /** The next element, or undefined when none is available right now. */
  poll(): SourceElement | undefined;
  /** No element will ever come again. */
  readonly done: boolean;
  /** Resolves when poll may have something (or the source has ended). */
  whenAvailable(): Promise<void>;
  snapshot(): unknown;
  restore(s: unknown): void;
  /** Entries the driver fed (controlled source), from position `from` of its log. */
  feed?(from: number, items: ControlledEntry[]): void;
  close(): void;
}

export type ControlledEntry = { v: unknown; ts?: number } | { wm: number } | { end: true };

const never = () => new Promise<void>(() => {});

class IndexReader implements SourceReader {
  offset = 0;
  private readonly n: number;
  constructor(private readonly src: SourceSpec, private readonly sub: number, private readonly p: number) {
    const total = src.kind === "collection" ? src.items!.length : src.kind === "sequence" ? src.to! - src.from! + 1 : src.count!;
    this.n = Math.max(0, Math.ceil((total - sub) / p));
  }
  get done(): boolean { return this.offset >= this.n; }
  poll(): SourceElement | undefined {
    if (this.offset >= this.n) return undefined;
    const i = this.offset++ * this.p + this.sub;
    const s = this.src;
    return { v: s.kind === "collection" ? s.items![i] : s.kind === "sequence" ? s.from! + i : s.fn!(i) };
  }
  whenAvailable(): Promise<void> { return Promise.resolve(); }
  snapshot(): unknown { return this.offset; }
  restore(s: unknown): void { this.offset = Number(s ?? 0); }
  close(): void {}
}

class FileReader implements SourceReader {
  private read = new Map<string, number>(); // file -> lines emitted
  private current?: { file: string; lines: string[] };
  private lastScan = 0;
  private queue: string[] = [];
  private ended = false;
  constructor(private readonly path: string, private readonly monitorMs: number, private readonly sub: number, private readonly p: number) {
    if (!existsSync(path)) throw new ExecutionError("PATH_NOT_FOUND", `file source: ${path} does not exist`);
  }
  private scan(): void {
    this.lastScan = Date.now();
    const files = statSync(this.path).isDirectory()
      ? readdirSync(this.path).filter((f) => !f.startsWith(".") && !f.startsWith("_")).sort().map((f) => join(this.path, f)).filter((f) => statSync(f).isFile())
      : [this.path];
    for (const f of files) {
      if (hashKeyText(f) % this.p !== this.sub) continue;
      if (this.current?.file === f || this.queue.includes(f)) continue;
      if (this.read.get(f) === -1) continue; // finished
      this.queue.push(f);
    }
    if (!this.monitorMs && !this.current && !this.queue.length) this.ended = true;
  }
  get done(): boolean { return this.ended; }
  poll(): SourceElement | undefined {
    if (this.ended) return undefined;
    if (!this.lastScan || (this.monitorMs && !this.current && !this.queue.length && Date.now() - this.lastScan >= this.monitorMs)) this.scan();
    while (!this.current && this.queue.length) {
      const file = this.queue.shift()!;
      const text = readFileSync(file, "utf8");
      const lines = text.split(/\r?\n/);
      if (lines.at(-1) === "") lines.pop();
      this.current = { file, lines };
      if ((this.read.get(file) ?? 0) >= lines.length) { this.read.set(file, -1); this.current = undefined; }
    }
    const c = this.current;
    if (!c) { if (!this.monitorMs) this.ended = true; return undefined; }
    const i = this.read.get(c.file) ?? 0;
    const line = c.lines[i];
    if (i + 1 >= c.lines.length) { this.read.set(c.file, -1); this.current = undefined; } else this.read.set(c.file, i + 1);
    return { v: line };
  }
  whenAvailable(): Promise<void> { return new Promise((r) => setTimeout(r, Math.min(50, this.monitorMs || 50))); }
  snapshot(): unknown {
    return [...this.read.entries()];
  }
  restore(s: unknown): void { this.read = new Map(s as Array<[string, number]>); this.lastScan = 0; this.current = undefined; this.queue = []; }
  close(): void {}
}

class SocketReader implements SourceReader {
  private lines: string[] = [];
  private rest = "";
  private ended = false;
  private socket?: Socket;
  private waiter?: () => void;
  constructor(host: string, port: number, private readonly delimiter: string) {
    this.socket = connect(port, host);
    this.socket.setEncoding("utf8");
    this.socket.on("data", (chunk: string) => {
      const parts = (this.rest + chunk).split(this.delimiter);
      this.rest = parts.pop()!;
      this.lines.push(...parts);
      this.wake();
    });
    const end = () => { if (this.rest) this.lines.push(this.rest); this.rest = ""; this.ended = true; this.wake(); };
    this.socket.on("end", end);
    this.socket.on("error", (e) => { this.error = new ExecutionError("SOCKET_SOURCE_FAILED", `socket source ${host}:${port}: ${e.message}`); end(); });
  }
  error?: Error;
  private wake(): void { const w = this.waiter; this.waiter = undefined; w?.(); }
  get done(): boolean { return this.ended && !this.lines.length; }
  poll(): SourceElement | undefined {
    if (this.error) throw this.error;
    const l = this.lines.shift();
    return l === undefined ? undefined : { v: l };
  }
  whenAvailable(): Promise<void> { return this.lines.length || this.ended ? Promise.resolve() : new Promise((r) => { this.waiter = r; }); }
  snapshot(): unknown { return null; } // not replayable: a restored job reads what the server sends next
  restore(): void {}
  close(): void { this.socket?.destroy(); }
}

class ControlledReader implements SourceReader {
  private log: ControlledEntry[] = [];
  private pos = 0;
  private waiter?: () => void;
  get done(): boolean { const e = this.log[this.pos]; return !!e && "end" in e; }
  feed(from: number, items: ControlledEntry[]): void {
    for (let i = 0; i < items.length; i++) this.log[from + i] = items[i];
    const w = this.waiter; this.waiter = undefined; w?.();
  }
  poll(): SourceElement | undefined {
    const e = this.log[this.pos];
    if (!e || "end" in e) return undefined;
    this.pos++;
    return e;
  }
  whenAvailable(): Promise<void> { return this.log[this.pos] ? Promise.resolve() : new Promise((r) => { this.waiter = r; }); }
  snapshot(): unknown { return this.pos; }
  restore(s: unknown): void { this.pos = Number(s ?? 0); }
  close(): void { this.feed(this.log.length, []); }
}

export function createSourceReader(src: SourceSpec, sub: number, p: number): SourceReader {
  switch (src.kind) {
    case "collection": case "sequence": case "generator": return new IndexReader(src, sub, p);
    case "file": return new FileReader(src.path!, src.monitorMs ?? 0, sub, p);
    case "socket": return sub === 0 ? new SocketReader(src.host!, src.port!, src.delimiter ?? "\n") : emptyReader();
    case "controlled": return sub === 0 ? new ControlledReader() : emptyReader();
  }
}

function emptyReader(): SourceReader {
  return { done: true, poll: () => undefined, whenAvailable: never, snapshot: () => null, restore: () => {}, close: () => {} };
}
