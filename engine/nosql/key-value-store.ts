// A Dynamo-style key-value store (DeCandia et al. 2007): keys are placed on a partitioning
// scheme, each key is stored on the N nodes of its preference list, and a coordinator waits for
// W write acks / R read replies. R + W > N makes every read quorum overlap the last write
// quorum; smaller quorums are faster but may read stale data. Concurrent writes (e.g. on both
// sides of a network partition) become siblings under vector clocks, returned to the caller
// with a context to resolve them. Read repair, hinted handoff and fault injection included.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnalysisError, ExecutionError } from "../common/errors";
import { compareKeys } from "../common/keys";
import { ConsistentHashRing } from "./consistent-hash";
import { hashModN, rangeAssign } from "./partition-stats";
import { diffLeaves, type PlacementSpec } from "./kv-merkle";
import { LocalKvNode, WorkerKvNode, type KvNode } from "./kv-nodes";
import { liveWorkers, type StoreCluster } from "./store-cluster";
import { reconcile, type Version, type Versioning } from "./storage-node";
import { mergeClocks, type VectorClock } from "./vector-clock";

export type KvPartitioning = "consistent" | "hash" | "range";

export interface KeyValueStoreOptions {
  name?: string;
  /** Node names (default node-0 .. node-(numNodes-1)). */
  nodes?: string[];
  numNodes?: number;
  partitioning?: KvPartitioning;
  virtualNodes?: number;
  /** Range partitioning: the n-1 split keys (default: evenly spaced over "a".."z"). */
  rangeBounds?: string[];
  replication?: number;
  readQuorum?: number;
  writeQuorum?: number;
  versioning?: Versioning;
  /** Directory for the nodes' append-only logs (default a fresh temp dir). */
  dir?: string;
  /**
   * Repair stale replicas seen during a read (default true, in the background). "blocking": before
   * a read returns, what it returns is written back to a write quorum of the preference list (the
   * write-back phase of ABD), which with R + W > N and timestamps makes single-key reads and writes
   * linearizable (checked in test/nosql/linearizability.test.ts).
   */
  readRepair?: boolean | "blocking";
}

export interface GetResult {
  key: string;
  /** The value when there is exactly one live version; undefined when absent or in conflict. */
  value: unknown;
  /** All concurrent live versions (siblings): length > 1 means the caller must resolve. */
  values: unknown[];
  found: boolean;
  conflict: boolean;
  /** Pass back to put() to say "this write supersedes what I read". */
  context: VectorClock;
  /** Nodes that answered (the first R). */
  repliedBy: string[];
}

export interface OpOptions {
  /** Node that coordinates the request (default: first reachable node of the preference list). */
  coordinator?: string;
  context?: VectorClock;
  ttlMs?: number;
}

export interface AntiEntropyReport {
  /** Pairs of reachable nodes compared, and how many had equal trees. */
  pairs: number;
  pairsInSync: number;
  leavesDiffering: number;
  /** Tree hashes compared (the traffic of the comparison, instead of every key). */
  hashesCompared: number;
  keysExchanged: number;
  versionsRepaired: number;
}

export interface KvStats {
  reads: number;
  writes: number;
  staleRepliesRepaired: number;
  hintsStored: number;
  hintsDelivered: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class KeyValueStore {
  readonly name: string;
  readonly replication: number;
  readonly readQuorum: number;
  readonly writeQuorum: number;
  readonly versioning: Versioning;
  readonly partitioning: KvPartitioning;
  readonly dir: string;
  readonly readRepair: boolean | "blocking";
  readonly stats: KvStats = { reads: 0, writes: 0, staleRepliesRepaired: 0, hintsStored: 0, hintsDelivered: 0 };
  private readonly nodeMap = new Map<string, KvNode>();
  private ring?: ConsistentHashRing;
  private rangeBounds: string[] = [];
  private readonly cut = new Set<string>();
  private lastTimestamp = 0;
  private readonly counters = new Map<string, number>();

  /** Without `cluster` the nodes live in this process; with it, on the session's workers (see create()). */
  constructor(opts: KeyValueStoreOptions = {}, cluster?: StoreCluster) {
    this.name = opts.name ?? "kv";
    const nodes = opts.nodes ?? Array.from({ length: opts.numNodes ?? 3 }, (_, i) => `node-${i}`);
    this.replication = opts.replication ?? Math.min(3, nodes.length);
    this.readQuorum = opts.readQuorum ?? Math.floor(this.replication / 2) + 1;
    this.writeQuorum = opts.writeQuorum ?? Math.floor(this.replication / 2) + 1;
    this.versioning = opts.versioning ?? "vector-clock";
    this.partitioning = opts.partitioning ?? "consistent";
    this.readRepair = opts.readRepair ?? true;
    const bad = (what: string, v: unknown, why: string) => new AnalysisError("INVALID_KV_OPTION", `${what}=${String(v)} is invalid: ${why}.`, { parameters: { [what]: v } });
    if (nodes.length === 0) throw bad("nodes", "[]", "the store needs at least one node");
    if (!(this.replication >= 1 && this.replication <= nodes.length)) throw bad("replication", this.replication, `must be between 1 and the number of nodes (${nodes.length})`);
    for (const [n, v] of [["readQuorum", this.readQuorum], ["writeQuorum", this.writeQuorum]] as const) {
      if (!(Number.isInteger(v) && v >= 1 && v <= this.replication)) throw bad(n, v, `must be an integer between 1 and replication (${this.replication})`);
    }
    if (!["consistent", "hash", "range"].includes(this.partitioning)) throw bad("partitioning", this.partitioning, "expected consistent, hash or range");
    if (!["vector-clock", "timestamp"].includes(this.versioning)) throw bad("versioning", this.versioning, "expected vector-clock or timestamp");
    this.dir = opts.dir ?? mkdtempSync(join(tmpdir(), `kv-${this.name}-`));
    for (const n of nodes) this.nodeMap.set(n, cluster ? new WorkerKvNode(n, this.name, this.dir, this.versioning, cluster) : new LocalKvNode(n, this.dir, this.versioning));
    if (this.partitioning === "consistent") this.ring = new ConsistentHashRing({ nodes, virtualNodes: opts.virtualNodes ?? 64 });
    if (this.partitioning === "range") {
      this.rangeBounds = opts.rangeBounds ?? Array.from({ length: nodes.length - 1 }, (_, i) => String.fromCharCode(97 + Math.floor(((i + 1) * 26) / nodes.length)));
    }
  }

  /**
   * A store whose nodes run in the session's worker processes (spread round-robin over the live
   * workers, in their main threads): their data is in the workers' memory and their logs in
   * `dir`. Killing a worker takes its nodes down; restart(node) starts the node again on a live
   * worker from its log. Without a session (or with `hosting: "driver"`) the nodes live here.
   */
  static async create(spark: { cluster?: StoreCluster } | null | undefined, opts: KeyValueStoreOptions & { hosting?: "workers" | "driver" } = {}): Promise<KeyValueStore> {
    const cluster = opts.hosting === "driver" ? undefined : spark?.cluster;
    if (!cluster) return new KeyValueStore(opts);
    const workers = liveWorkers(cluster);
    if (workers.length === 0) throw new ExecutionError("NO_WORKERS", "The session has no live worker to host the store's nodes.");
    const store = new KeyValueStore(opts, cluster);
    await Promise.all(store.nodes.map((n, i) => (store.node(n) as WorkerKvNode).open(workers[i % workers.length]!)));
    return store;
  }

  /** The worker (or "driver") each node runs on. */
  hosts(): Record<string, string> {
    return Object.fromEntries(this.nodes.map((n) => [n, this.node(n).host]));
  }

  get nodes(): string[] {
    return [...this.nodeMap.keys()];
  }

  node(name: string): KvNode {
    const n = this.nodeMap.get(name);
    if (!n) throw new AnalysisError("UNKNOWN_NODE", `No node '${name}' in store '${this.name}' (nodes: ${this.nodes.join(", ")}).`, { parameters: { node: name } });
    return n;
  }

  /** The N nodes that hold `key`, in preference order. */
  preferenceList(key: string): string[] {
    const nodes = this.nodes;
    if (this.ring) return this.ring.preferenceList(key, this.replication);
    const first = this.partitioning === "hash" ? hashModN(nodes)(key) : rangeAssign(nodes, { bounds: this.rangeBounds })(key);
    const i = nodes.indexOf(first);
    return Array.from({ length: this.replication }, (_, j) => nodes[(i + j) % nodes.length]!);
  }

  // ---- fault injection ----
  /** The nodes a name stands for: a node, or a worker (every node it hosts). */
  private nodesOf(nodeOrWorker: string): string[] {
    if (this.nodeMap.has(nodeOrWorker)) return [nodeOrWorker];
    const hosted = this.nodes.filter((n) => this.node(n).host === nodeOrWorker);
    if (hosted.length === 0) this.node(nodeOrWorker); // the UNKNOWN_NODE error, naming the nodes
    return hosted;
  }
  /** Cut the network between two nodes, or two workers (every pair of their nodes). */
  partitionNetwork(a: string, b: string): void { for (const x of this.nodesOf(a)) for (const y of this.nodesOf(b)) this.cut.add(pairKey(x, y)); }
  healNetwork(a?: string, b?: string): void {
    if (a && b) { for (const x of this.nodesOf(a)) for (const y of this.nodesOf(b)) this.cut.delete(pairKey(x, y)); } else this.cut.clear();
  }
  /** Extra latency on every message to or from a node, or every node of a worker. */
  delay(nodeOrWorker: string, ms: number): void { for (const n of this.nodesOf(nodeOrWorker)) this.node(n).delayMs = ms; }
  /** Kill a node: its memory is lost, its log stays on disk (down at once; the promise settles when its host has dropped it). */
  kill(node: string): Promise<void> { return this.node(node).crash(); }
  /**
   * Restart a node: it replays its log (on its worker, or on the live worker hosting the fewest of
   * this store's nodes if its worker is gone), then peers deliver the hints they hold for it.
   */
  async restart(node: string): Promise<void> {
    const n = this.node(node);
    if (n instanceof WorkerKvNode) await n.restart(this.nodes.filter((m) => m !== node && this.node(m).up).map((m) => this.node(m).host));
    else await n.restart();
    await this.deliverHints();
  }

  private reachable(from: string, to: string): boolean {
    return this.node(to).up && this.node(from).up && !this.cut.has(pairKey(from, to));
  }

  private async message<T>(from: string, to: string, f: () => T | Promise<T>): Promise<T> {
    const d = (from === to ? 0 : this.node(from).delayMs + this.node(to).delayMs);
    if (d > 0) await sleep(d);
    return f();
  }

  private coordinatorFor(key: string, wanted?: string): string {
    if (wanted !== undefined) {
      if (!this.node(wanted).up) throw new ExecutionError("COORDINATOR_DOWN", `Coordinator ${wanted} is down.`, { parameters: { node: wanted } });
      return wanted;
    }
    const up = [...this.preferenceList(key), ...this.nodes].find((n) => this.node(n).up);
    if (!up) throw new ExecutionError("NOT_ENOUGH_REPLICAS", "No node of the store is up.");
    return up;
  }

  /**
   * Wait until `need` of the promises resolve to a reply; the others finish in the background. A
   * replica that fails (its worker died mid-request) counts as no reply: fewer than `need` come back.
   */
  private quorum<T>(calls: Promise<T>[], need: number): Promise<T[]> {
    return new Promise((resolve) => {
      const got: T[] = [];
      let done = 0;
      if (need === 0) resolve([]);
      const settle = () => { if (++done === calls.length && got.length < need) resolve(got); };
      for (const c of calls) void c.then((r) => { got.push(r); if (got.length === need) resolve(got.slice()); settle(); }, settle);
    });
  }

  private short(what: "W" | "R", need: number, got: number, key: string): ExecutionError {
    return new ExecutionError("NOT_ENOUGH_REPLICAS", `not enough replicas: needed ${what}=${need}, ${what === "W" ? "acknowledged" : "answered"} ${got} (key '${key}': a replica was lost during the request).`,
      { parameters: { needed: need, reachable: got, key } });
  }

  private checkKey(key: unknown): string {
    if (typeof key !== "string" || key === "") throw new AnalysisError("INVALID_KEY", `Keys are non-empty strings, got ${JSON.stringify(key) ?? String(key)}.`, { parameters: { key } });
    return key;
  }

  /** Coordinator counters only grow, so two writes by one coordinator never share a clock. */
  private nextClock(context: VectorClock, coord: string): VectorClock {
    const c = Math.max(context[coord] ?? 0, this.counters.get(coord) ?? 0) + 1;
    this.counters.set(coord, c);
    return { ...context, [coord]: c };
  }

  private now(): number {
    this.lastTimestamp = Math.max(this.lastTimestamp + 1e-3, Date.now());
    return this.lastTimestamp;
  }

  async put(key: string, value: unknown, opts: OpOptions = {}): Promise<VectorClock> {
    return this.write(this.checkKey(key), value, false, opts);
  }

  async delete(key: string, opts: OpOptions = {}): Promise<VectorClock> {
    return this.write(this.checkKey(key), null, true, opts);
  }

  private async write(key: string, value: unknown, deleted: boolean, opts: OpOptions): Promise<VectorClock> {
    if (value === undefined) throw new AnalysisError("INVALID_VALUE", `Value for key '${key}' is undefined; store null or delete the key.`, { parameters: { key } });
    this.stats.writes++;
    const coord = this.coordinatorFor(key, opts.coordinator);
    let context = opts.context;
    if (!context) {
      const local = this.preferenceList(key).includes(coord) ? await this.node(coord).read(key) : [];
      context = mergeClocks(...local.map((v) => v.clock));
    }
    const timestamp = this.now();
    const version: Version = { value, clock: this.nextClock(context, coord), timestamp, ...(deleted ? { deleted } : {}), ...(opts.ttlMs ? { expiresAt: timestamp + opts.ttlMs } : {}) };
    const pref = this.preferenceList(key);
    const live = pref.filter((n) => this.reachable(coord, n));
    if (live.length < this.writeQuorum) {
      throw new ExecutionError("NOT_ENOUGH_REPLICAS", `not enough replicas: needed W=${this.writeQuorum}, reachable ${live.length} (key '${key}', preference list ${pref.join(", ")}, coordinator ${coord}).`,
        { parameters: { needed: this.writeQuorum, reachable: live.length, key } });
    }
    // Hinted handoff: the coordinator keeps writes for unreachable replicas until they return.
    for (const n of pref.filter((n) => !live.includes(n))) {
      const list = this.node(coord).hints.get(n) ?? [];
      list.push([key, version]);
      this.node(coord).hints.set(n, list);
      this.stats.hintsStored++;
    }
    const acks = await this.quorum(live.map((n) => this.message(coord, n, () => this.node(n).write(key, version))), this.writeQuorum);
    if (acks.length < this.writeQuorum) throw this.short("W", this.writeQuorum, acks.length, key);
    return version.clock;
  }

  async get(key: string, opts: OpOptions = {}): Promise<GetResult> {
    this.checkKey(key);
    this.stats.reads++;
    const coord = this.coordinatorFor(key, opts.coordinator);
    const pref = this.preferenceList(key);
    const live = pref.filter((n) => this.reachable(coord, n));
    if (live.length < this.readQuorum) {
      throw new ExecutionError("NOT_ENOUGH_REPLICAS", `not enough replicas: needed R=${this.readQuorum}, reachable ${live.length} (key '${key}', preference list ${pref.join(", ")}, coordinator ${coord}).`,
        { parameters: { needed: this.readQuorum, reachable: live.length, key } });
    }
    // The coordinator's own replica answers first (no network hop), as in Dynamo.
    const order = [...live].sort((a, b) => Number(b === coord) - Number(a === coord));
    const replies = await this.quorum(order.map((n) => this.message(coord, n, async () => ({ node: n, versions: await this.node(n).read(key) }))), this.readQuorum);
    if (replies.length < this.readQuorum) throw this.short("R", this.readQuorum, replies.length, key);
    let merged: Version[] = [];
    for (const r of replies) for (const v of r.versions) merged = reconcile(merged, v, this.versioning);
    if (this.readRepair === "blocking") await this.writeBack(key, coord, live, replies, merged);
    else if (this.readRepair) {
      for (const r of replies) {
        const missing = merged.filter((m) => !r.versions.some((v) => sameVersion(v, m)));
        if (missing.length) {
          this.stats.staleRepliesRepaired++;
          for (const m of missing) void this.message(coord, r.node, () => this.node(r.node).write(key, m)).catch(() => {});
        }
      }
    }
    const now = Date.now();
    const alive = merged.filter((v) => !v.deleted && !(v.expiresAt !== undefined && v.expiresAt <= now));
    const values = alive.map((v) => v.value);
    return {
      key, values, found: values.length > 0, conflict: values.length > 1, value: values.length === 1 ? values[0] : undefined,
      context: mergeClocks(...merged.map((v) => v.clock)), repliedBy: replies.map((r) => r.node),
    };
  }

  /** ABD's write-back: W replicas of the preference list hold `merged` before the read returns. */
  private async writeBack(key: string, coord: string, live: string[], replies: Array<{ node: string; versions: Version[] }>, merged: Version[]): Promise<void> {
    const calls = live.map((n) => {
      const seen = replies.find((r) => r.node === n);
      const missing = seen ? merged.filter((m) => !seen.versions.some((v) => sameVersion(v, m))) : merged;
      if (missing.length === 0) return Promise.resolve(n);
      if (seen) this.stats.staleRepliesRepaired++;
      return this.message(coord, n, async () => { for (const m of missing) await this.node(n).write(key, m); return n; });
    });
    const acks = await this.quorum(calls, this.writeQuorum);
    if (acks.length < this.writeQuorum) throw this.short("W", this.writeQuorum, acks.length, key);
  }

  async multiGet(keys: string[], opts: OpOptions = {}): Promise<Map<string, GetResult>> {
    const rs = await Promise.all(keys.map((k) => this.get(k, opts)));
    return new Map(rs.map((r) => [r.key, r]));
  }

  async multiPut(entries: Iterable<[string, unknown]> | Record<string, unknown>, opts: OpOptions = {}): Promise<void> {
    const list = Symbol.iterator in entries ? [...(entries as Iterable<[string, unknown]>)] : Object.entries(entries);
    await Promise.all(list.map(([k, v]) => this.put(k, v, opts)));
  }

  /** Keys in [from, to) with their values, in key order (range partitioning only: it visits just the nodes whose ranges overlap). */
  async scan(from: string, to: string): Promise<[string, unknown][]> {
    if (this.partitioning !== "range") {
      throw new AnalysisError("SCAN_NEEDS_RANGE_PARTITIONING", `scan(from, to) needs partitioning: "range"; store '${this.name}' uses "${this.partitioning}", where a key range is scattered over every node.`);
    }
    const keys = new Set<string>();
    for (const n of this.nodes) if (this.node(n).up) for (const k of await this.node(n).keys()) if (compareKeys(k, from) >= 0 && compareKeys(k, to) < 0) keys.add(k);
    const out: [string, unknown][] = [];
    for (const k of [...keys].sort(compareKeys)) {
      const r = await this.get(k);
      if (r.found) out.push([k, r.value ?? r.values]);
    }
    return out;
  }

  /**
   * Anti-entropy (Dynamo's replica synchronisation): every pair of reachable nodes compares a
   * Merkle tree of the keys both hold (2^depth leaves); where the trees differ, the keys of the
   * differing leaves are exchanged and each side gets the versions it lacks. Repairs what read
   * repair and hinted handoff missed (e.g. hints lost with a crashed coordinator).
   */
  async antiEntropy(opts: { depth?: number } = {}): Promise<AntiEntropyReport> {
    const depth = opts.depth ?? 6;
    if (!Number.isInteger(depth) || depth < 0 || depth > 16) throw new AnalysisError("INVALID_KV_OPTION", `depth=${String(depth)} is invalid: an integer from 0 to 16.`);
    const spec: PlacementSpec = { partitioning: this.partitioning, nodes: this.nodes, virtualNodes: this.ring?.virtualNodes ?? 1, rangeBounds: this.rangeBounds, replication: this.replication };
    const report: AntiEntropyReport = { pairs: 0, pairsInSync: 0, leavesDiffering: 0, hashesCompared: 0, keysExchanged: 0, versionsRepaired: 0 };
    const up = this.nodes.filter((n) => this.node(n).up);
    for (let i = 0; i < up.length; i++) {
      for (let j = i + 1; j < up.length; j++) {
        const [a, b] = [up[i]!, up[j]!];
        if (!this.reachable(a, b)) continue;
        report.pairs++;
        const [ta, tb] = await Promise.all([this.node(a).merkle(spec, b, depth), this.node(b).merkle(spec, a, depth)]);
        const diff = diffLeaves(ta, tb);
        report.hashesCompared += diff.compared;
        if (diff.leaves.length === 0) { report.pairsInSync++; continue; }
        report.leavesDiffering += diff.leaves.length;
        const [ea, eb] = await Promise.all([this.node(a).leafEntries(spec, b, depth, diff.leaves), this.node(b).leafEntries(spec, a, depth, diff.leaves)]);
        const ma = new Map(ea), mb = new Map(eb);
        for (const key of new Set([...ma.keys(), ...mb.keys()])) {
          report.keysExchanged++;
          const va = ma.get(key) ?? [], vb = mb.get(key) ?? [];
          for (const [to, mine, theirs] of [[a, va, vb], [b, vb, va]] as const) {
            // Only versions the receiver neither has nor supersedes.
            for (const v of theirs) if (!mine.some((m) => sameVersion(m, v)) && reconcile(mine, v, this.versioning).includes(v)) { await this.node(to).write(key, v); report.versionsRepaired++; }
          }
        }
      }
    }
    return report;
  }

  /** Deliver hinted writes to nodes that are reachable again. Returns how many were delivered. */
  async deliverHints(): Promise<number> {
    let n = 0;
    for (const holder of this.nodeMap.values()) {
      if (!holder.up) continue;
      for (const [target, list] of [...holder.hints]) {
        if (!this.reachable(holder.name, target)) continue;
        for (const [k, v] of list) { await this.node(target).write(k, v); n++; }
        holder.hints.delete(target);
      }
    }
    this.stats.hintsDelivered += n;
    return n;
  }

  /** Keys and version counts per node (for load and replication pictures). */
  distribution(): Record<string, { up: boolean; keys: number; hints: number; host: string }> {
    return Object.fromEntries(this.nodes.map((n) => {
      const s = this.node(n);
      return [n, { up: s.up, keys: s.size, hints: [...s.hints.values()].reduce((a, l) => a + l.length, 0), host: s.host }];
    }));
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function sameVersion(a: Version, b: Version): boolean {
  return a.timestamp === b.timestamp && JSON.stringify(a.clock) === JSON.stringify(b.clock);
}
