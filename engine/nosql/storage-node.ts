// One storage node of the key-value store: its replicas of keys in memory, and an append-only
// log on disk (one JSON line per accepted write) that a restarted node replays to recover.
// A node keeps every version not dominated by another (siblings), as Dynamo does.

import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compareClocks, type VectorClock } from "./vector-clock";

export interface Version {
  value: unknown;
  clock: VectorClock;
  /** Wall-clock write time (last-writer-wins versioning, and TTL). */
  timestamp: number;
  deleted?: boolean;
  expiresAt?: number;
}

export type Versioning = "vector-clock" | "timestamp";

/** Versions of a key after adding `v`: drop what v supersedes; keep v unless something supersedes it. */
export function reconcile(existing: readonly Version[], v: Version, versioning: Versioning): Version[] {
  if (versioning === "timestamp") {
    const best = [...existing, v].reduce((a, b) => (b.timestamp > a.timestamp || (b.timestamp === a.timestamp && JSON.stringify(b.value) > JSON.stringify(a.value)) ? b : a));
    return [best];
  }
  const out: Version[] = [];
  let keep = true;
  for (const e of existing) {
    const o = compareClocks(e.clock, v.clock);
    if (o === "before") continue;
    if (o === "after" || o === "equal") keep = false;
    out.push(e);
  }
  if (keep) out.push(v);
  return out;
}

export class StorageNode {
  private data = new Map<string, Version[]>();
  private _up = true;
  readonly logPath: string;
  /** Writes meant for other nodes that were unreachable (hinted handoff): target -> [key, version]. */
  readonly hints = new Map<string, [string, Version][]>();
  /** Extra latency on every message to or from this node, ms. */
  delayMs = 0;

  constructor(readonly name: string, dir: string, readonly versioning: Versioning) {
    mkdirSync(dir, { recursive: true });
    this.logPath = join(dir, `${name}.log`);
    this.replay();
  }

  get up(): boolean {
    return this._up;
  }

  /** Apply a replica write; returns the key's versions after it. Logged before it is acknowledged. */
  write(key: string, v: Version): Version[] {
    const next = reconcile(this.data.get(key) ?? [], v, this.versioning);
    appendFileSync(this.logPath, JSON.stringify({ k: key, v }) + "\n");
    this.data.set(key, next);
    return next;
  }

  read(key: string): Version[] {
    return this.data.get(key) ?? [];
  }

  keys(): string[] {
    return [...this.data.keys()];
  }

  /** Every key with its versions (anti-entropy reads them). */
  entries(): Array<[string, Version[]]> {
    return [...this.data];
  }

  /** Number of keys held (including tombstones). */
  get size(): number {
    return this.data.size;
  }

  /** The process dies: memory (data and hints) is gone; only the log on disk survives. */
  crash(): void {
    this._up = false;
    this.data = new Map();
    this.hints.clear();
  }

  /** The node comes back and rebuilds its memory from the log. */
  restart(): void {
    this.replay();
    this._up = true;
  }

  private replay(): void {
    this.data = new Map();
    if (!existsSync(this.logPath)) return;
    for (const line of readFileSync(this.logPath, "utf8").split("\n")) {
      if (!line) continue;
      let rec: { k: string; v: Version };
      try { rec = JSON.parse(line); } catch { break; } // a torn last line from a crash mid-append
      this.data.set(rec.k, reconcile(this.data.get(rec.k) ?? [], rec.v, this.versioning));
    }
  }
}
