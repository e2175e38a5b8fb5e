// Where a key-value store's storage nodes live, behind one interface the coordinator uses. A
// LocalKvNode is a StorageNode in this process (a store made without a session); a WorkerKvNode
// is a StorageNode in a worker process's main thread, reached over the session's authenticated
// channel (the worker service "nosql.kv", kv-node-service.ts): its data is in that worker's
// memory, so killing the worker loses it, and restarting the node on a live worker replays its
// append-only log. The coordinator's own state (hints it holds, injected delay) stays here.

import { homeFor, liveWorkers, type StoreCluster } from "./store-cluster";
import { leafOf, merkleTree, sharedEntries, type PlacementSpec } from "./kv-merkle";
import { StorageNode, type Version, type Versioning } from "./storage-node";

export interface KvNode {
  readonly name: string;
  /** Reachable and holding its data (not crashed, its worker alive). */
  readonly up: boolean;
  /** Where the node runs: "driver" or a worker id. */
  readonly host: string;
  /** Keys held (including tombstones), as of the node's last reply. */
  readonly size: number;
  /** Extra latency on every message to or from this node, ms. */
  delayMs: number;
  /** Writes meant for other nodes that were unreachable (hinted handoff): target -> [key, version]. */
  readonly hints: Map<string, [string, Version][]>;
  write(key: string, v: Version): Promise<Version[]>;
  read(key: string): Promise<Version[]>;
  keys(): Promise<string[]>;
  /** The process dies: memory (data and hints) is gone; only the log on disk survives. */
  crash(): Promise<void>;
  /** The node comes back (on a live worker) and rebuilds its memory from the log. */
  restart(): Promise<void>;
  /** The Merkle tree of the keys this node and `peer` both hold (anti-entropy). */
  merkle(spec: PlacementSpec, peer: string, depth: number): Promise<number[]>;
  /** Those keys' versions in the given leaves. */
  leafEntries(spec: PlacementSpec, peer: string, depth: number, leaves: number[]): Promise<Array<[string, Version[]]>>;
}

/** A node's side of anti-entropy, wherever the node lives. */
export function nodeMerkle(n: StorageNode, spec: PlacementSpec, peer: string, depth: number): number[] {
  return merkleTree(sharedEntries(n.entries(), spec, n.name, peer), depth);
}
export function nodeLeafEntries(n: StorageNode, spec: PlacementSpec, peer: string, depth: number, leaves: number[]): Array<[string, Version[]]> {
  const want = new Set(leaves);
  return sharedEntries(n.entries(), spec, n.name, peer).filter(([k]) => want.has(leafOf(k, depth)));
}

export class LocalKvNode implements KvNode {
  readonly node: StorageNode;
  readonly host = "driver";
  constructor(name: string, dir: string, versioning: Versioning) { this.node = new StorageNode(name, dir, versioning); }
  get name(): string { return this.node.name; }
  get up(): boolean { return this.node.up; }
  get size(): number { return this.node.size; }
  get delayMs(): number { return this.node.delayMs; }
  set delayMs(ms: number) { this.node.delayMs = ms; }
  get hints(): Map<string, [string, Version][]> { return this.node.hints; }
  async write(key: string, v: Version): Promise<Version[]> { return this.node.write(key, v); }
  async read(key: string): Promise<Version[]> { return this.node.read(key); }
  async keys(): Promise<string[]> { return this.node.keys(); }
  async crash(): Promise<void> { this.node.crash(); }
  async restart(): Promise<void> { this.node.restart(); }
  async merkle(spec: PlacementSpec, peer: string, depth: number): Promise<number[]> { return nodeMerkle(this.node, spec, peer, depth); }
  async leafEntries(spec: PlacementSpec, peer: string, depth: number, leaves: number[]): Promise<Array<[string, Version[]]>> { return nodeLeafEntries(this.node, spec, peer, depth, leaves); }
}

/** Requests of the "nosql.kv" worker service; every reply carries the node's key count. */
export type KvNodeOp =
  | { op: "open"; store: string; node: string; dir: string; versioning: Versioning }
  | { op: "write"; store: string; node: string; key: string; v: Version }
  | { op: "read"; store: string; node: string; key: string }
  | { op: "keys"; store: string; node: string }
  | { op: "crash"; store: string; node: string }
  | { op: "merkle"; store: string; node: string; spec: PlacementSpec; peer: string; depth: number }
  | { op: "leaves"; store: string; node: string; spec: PlacementSpec; peer: string; depth: number; leaves: number[] };
export interface KvNodeReply { size: number; versions?: Version[]; keys?: string[]; tree?: number[]; entries?: Array<[string, Version[]]> }

export const KV_SERVICE = "nosql.kv";

export class WorkerKvNode implements KvNode {
  delayMs = 0;
  readonly hints = new Map<string, [string, Version][]>();
  private crashed = true;
  private _size = 0;
  private worker = "";

  constructor(
    readonly name: string,
    private readonly store: string,
    private readonly dir: string,
    private readonly versioning: Versioning,
    private readonly cluster: StoreCluster,
  ) {}

  /** Start (or restart) the node on `worker`: it replays its log there. */
  async open(worker: string): Promise<void> {
    this.worker = worker;
    const r = await this.call({ op: "open", store: this.store, node: this.name, dir: this.dir, versioning: this.versioning });
    this.crashed = false;
    this._size = r.size;
  }

  get host(): string { return this.worker; }
  get size(): number { return this.up ? this._size : 0; }

  get up(): boolean {
    if (this.crashed) return false;
    if (liveWorkers(this.cluster).includes(this.worker)) return true;
    // Its worker is gone, and the node's memory with it (the hints it held included).
    this.crashed = true;
    this.hints.clear();
    return false;
  }

  private async call(op: KvNodeOp): Promise<KvNodeReply> {
    try {
      const r = await this.cluster.serviceRequest(this.worker, KV_SERVICE, op) as KvNodeReply;
      this._size = r.size;
      return r;
    } catch (e) {
      if ((e as { condition?: string }).condition === "WORKER_LOST") { this.crashed = true; this.hints.clear(); }
      throw e;
    }
  }

  async write(key: string, v: Version): Promise<Version[]> {
    return (await this.call({ op: "write", store: this.store, node: this.name, key, v })).versions!;
  }
  async read(key: string): Promise<Version[]> {
    return (await this.call({ op: "read", store: this.store, node: this.name, key })).versions!;
  }
  async keys(): Promise<string[]> {
    return (await this.call({ op: "keys", store: this.store, node: this.name })).keys!;
  }
  async merkle(spec: PlacementSpec, peer: string, depth: number): Promise<number[]> {
    return (await this.call({ op: "merkle", store: this.store, node: this.name, spec, peer, depth })).tree!;
  }
  async leafEntries(spec: PlacementSpec, peer: string, depth: number, leaves: number[]): Promise<Array<[string, Version[]]>> {
    return (await this.call({ op: "leaves", store: this.store, node: this.name, spec, peer, depth, leaves })).entries!;
  }
  async crash(): Promise<void> {
    const wasUp = this.up;
    this.crashed = true;
    this.hints.clear();
    if (wasUp) await this.call({ op: "crash", store: this.store, node: this.name }).catch(() => {});
  }
  /** Start again on its worker, or (that worker gone) on the live worker hosting the fewest of `others`. */
  async restart(others: string[] = []): Promise<void> {
    await this.open(homeFor(this.cluster, this.worker, others, `node ${this.name}`));
  }
}
