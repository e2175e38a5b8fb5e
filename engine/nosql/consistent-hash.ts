// Consistent hashing with virtual nodes (Karger et al.; Dynamo, Cassandra). Each physical node
// owns `virtualNodes` tokens on a 32-bit ring; a key belongs to the first token clockwise from
// its position. Adding or removing a node only moves the keys between its tokens and their
// predecessors: about 1/n of them, instead of almost all with `hash mod n`.

import { AnalysisError } from "../common/errors";
import { ringPosition, RING_SIZE } from "./ring-hash";

export interface RingToken {
  /** Position on the ring, 0 .. 2^32-1. */
  position: number;
  node: string;
  /** Which of the node's virtual nodes this is. */
  vnode: number;
}

export interface ConsistentHashRingOptions {
  nodes?: Iterable<string>;
  /** Tokens per physical node (default 1: the textbook ring without virtual nodes). */
  virtualNodes?: number;
}

export class ConsistentHashRing {
  readonly virtualNodes: number;
  private readonly nodeSet = new Set<string>();
  private tokens: RingToken[] = [];

  constructor(opts: ConsistentHashRingOptions = {}) {
    const v = opts.virtualNodes ?? 1;
    if (!Number.isInteger(v) || v < 1) {
      throw new AnalysisError("INVALID_VIRTUAL_NODES", `virtualNodes must be a positive integer, got ${String(v)}.`, { parameters: { virtualNodes: v } });
    }
    this.virtualNodes = v;
    for (const n of opts.nodes ?? []) this.add(n);
  }

  /** Physical nodes, in the order they were added. */
  get nodes(): string[] {
    return [...this.nodeSet];
  }

  /** All tokens sorted by position (a copy). */
  get ring(): RingToken[] {
    return this.tokens.map((t) => ({ ...t }));
  }

  has(node: string): boolean {
    return this.nodeSet.has(node);
  }

  add(node: string): this {
    if (typeof node !== "string" || node === "") {
      throw new AnalysisError("INVALID_NODE_NAME", `A ring node needs a non-empty string name, got ${JSON.stringify(node)}.`, { parameters: { node } });
    }
    if (this.nodeSet.has(node)) {
      throw new AnalysisError("NODE_ALREADY_IN_RING", `Node '${node}' is already in the ring.`, { parameters: { node } });
    }
    this.nodeSet.add(node);
    for (let i = 0; i < this.virtualNodes; i++) this.tokens.push({ position: ringPosition(`${node}#${i}`), node, vnode: i });
    // Ties (astronomically rare) break by node name so every process builds the same ring.
    this.tokens.sort((a, b) => a.position - b.position || (a.node < b.node ? -1 : a.node > b.node ? 1 : a.vnode - b.vnode));
    return this;
  }

  remove(node: string): this {
    if (!this.nodeSet.delete(node)) {
      throw new AnalysisError("NODE_NOT_IN_RING", `Node '${node}' is not in the ring (nodes: ${this.nodes.join(", ") || "none"}).`, { parameters: { node } });
    }
    this.tokens = this.tokens.filter((t) => t.node !== node);
    return this;
  }

  /** Index of the first token at or clockwise after `pos`. */
  private successor(pos: number): number {
    const t = this.tokens;
    let lo = 0, hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t[mid]!.position < pos) lo = mid + 1; else hi = mid;
    }
    return lo === t.length ? 0 : lo;
  }

  private requireNodes(): void {
    if (this.tokens.length === 0) throw new AnalysisError("EMPTY_RING", "The ring has no nodes; add one with ring.add(name).");
  }

  /** The node that owns `key`: the first token clockwise from the key's position. */
  nodeFor(key: unknown): string {
    this.requireNodes();
    return this.tokens[this.successor(ringPosition(key))]!.node;
  }

  /**
   * Dynamo's preference list: the first `n` distinct physical nodes clockwise from the key
   * (virtual nodes of a node already chosen are skipped). Fewer when the ring has fewer nodes.
   */
  preferenceList(key: unknown, n: number): string[] {
    this.requireNodes();
    const out: string[] = [];
    const start = this.successor(ringPosition(key));
    for (let i = 0; i < this.tokens.length && out.length < n; i++) {
      const node = this.tokens[(start + i) % this.tokens.length]!.node;
      if (!out.includes(node)) out.push(node);
    }
    return out;
  }

  /** Fraction of the hash space each node owns (sums to 1). */
  ownership(): Map<string, number> {
    const own = new Map<string, number>([...this.nodeSet].map((n) => [n, 0]));
    const t = this.tokens;
    for (let i = 0; i < t.length; i++) {
      const prev = i === 0 ? t[t.length - 1]!.position - RING_SIZE : t[i - 1]!.position;
      own.set(t[i]!.node, own.get(t[i]!.node)! + (t[i]!.position - prev) / RING_SIZE);
    }
    return own;
  }
}
