import { describe, expect, it } from "vitest";
import { ConsistentHashRing } from "./consistent-hash";
import { compositeKey, hashModN, loadPerNode, movedKeys, rangeAssign, ringAssign } from "./partition-stats";
import { AnalysisError } from "../common/errors";

// Independent reference: FNV-1a + murmur3 fmix32 written out again, and a linear scan of the ring.
function refPos(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  h >>>= 0;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}
function refTokens(nodes: string[], v: number): { pos: number; node: string }[] {
  const t: { pos: number; node: string }[] = [];
  for (const n of nodes) for (let i = 0; i < v; i++) t.push({ pos: refPos(`${n}#${i}`), node: n });
  return t.sort((a, b) => a.pos - b.pos);
}
function refOwner(tokens: { pos: number; node: string }[], key: string): string {
  const p = refPos(key);
  return (tokens.find((t) => t.pos >= p) ?? tokens[0]!).node;
}
function refPreference(tokens: { pos: number; node: string }[], key: string, n: number): string[] {
  const p = refPos(key);
  const first = tokens.findIndex((t) => t.pos >= p);
  const start = first < 0 ? 0 : first;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const node = tokens[(start + i) % tokens.length]!.node;
    if (!out.includes(node) && out.length < n) out.push(node);
  }
  return out;
}

const keys = Array.from({ length: 20000 }, (_, i) => `user:${i}`);
const nodes = (n: number) => Array.from({ length: n }, (_, i) => `node-${i}`);

describe("ConsistentHashRing", () => {
  it("assigns each key to the first token clockwise, as a linear scan does", () => {
    const ring = new ConsistentHashRing({ nodes: nodes(5), virtualNodes: 16 });
    const toks = refTokens(nodes(5), 16);
    expect(ring.ring.map((t) => t.position)).toEqual(toks.map((t) => t.pos));
    for (const k of keys.slice(0, 3000)) expect(ring.nodeFor(k)).toBe(refOwner(toks, k));
  });

  it("preferenceList gives the next n distinct physical nodes clockwise", () => {
    const ring = new ConsistentHashRing({ nodes: nodes(6), virtualNodes: 8 });
    const toks = refTokens(nodes(6), 8);
    for (const k of keys.slice(0, 1000)) {
      const pl = ring.preferenceList(k, 3);
      expect(pl).toEqual(refPreference(toks, k, 3));
      expect(new Set(pl).size).toBe(3);
      expect(pl[0]).toBe(ring.nodeFor(k));
    }
    expect(ring.preferenceList("x", 10)).toHaveLength(6);
  });

  it("adding a node moves about 1/(n+1) of the keys, all to the new node; hash mod n moves almost all", () => {
    const ring = new ConsistentHashRing({ nodes: nodes(9), virtualNodes: 200 });
    const before = ringAssign(ring);
    ring.add("node-9");
    const after = ringAssign(ring);
    const m = movedKeys(keys, before, after);
    expect(Math.abs(m.fraction - 1 / 10)).toBeLessThan(0.03);
    for (const k of keys) if (before(k) !== after(k)) expect(after(k)).toBe("node-9");
    const mod = movedKeys(keys, hashModN(nodes(9)), hashModN(nodes(10)));
    // Plain-JS expectation for mod-n: a key stays only when h mod 9 == h mod 10, i.e. ~1/10 stay.
    expect(mod.fraction).toBeGreaterThan(0.85);
  });

  it("removing a node moves only the keys it held", () => {
    const ring = new ConsistentHashRing({ nodes: nodes(10), virtualNodes: 200 });
    const before = ringAssign(ring);
    ring.remove("node-3");
    const after = ringAssign(ring);
    const held = keys.filter((k) => before(k) === "node-3").length;
    const m = movedKeys(keys, before, after);
    expect(m.moved).toBe(held);
    expect(Math.abs(m.fraction - 1 / 10)).toBeLessThan(0.03);
    for (const k of keys) if (before(k) !== "node-3") expect(after(k)).toBe(before(k));
  });

  it("virtual nodes even out ownership and load", () => {
    const one = new ConsistentHashRing({ nodes: nodes(8), virtualNodes: 1 });
    const many = new ConsistentHashRing({ nodes: nodes(8), virtualNodes: 256 });
    const sum = [...many.ownership().values()].reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 9);
    const s1 = loadPerNode(keys, (k) => one.nodeFor(k), nodes(8));
    const s256 = loadPerNode(keys, (k) => many.nodeFor(k), nodes(8));
    expect(s1.total).toBe(keys.length);
    expect(s256.skew).toBeLessThan(1.2);
    expect(s256.skew).toBeLessThan(s1.skew);
  });

  it("a hot key skews any scheme; a composite key (key, salt) spreads it", () => {
    const events = [...keys.slice(0, 4000), ...Array.from({ length: 4000 }, () => "celebrity")];
    const ring = new ConsistentHashRing({ nodes: nodes(4), virtualNodes: 128 });
    const hot = loadPerNode(events, (k) => ring.nodeFor(k), nodes(4));
    expect(hot.skew).toBeGreaterThan(2);
    const salted = events.map((k, i) => compositeKey(k, i % 16));
    const fixed = loadPerNode(salted, (k) => ring.nodeFor(k), nodes(4));
    expect(fixed.skew).toBeLessThan(1.3);
    // Low cardinality: 3 distinct values can use at most 3 of 4 nodes.
    const low = loadPerNode(events.map((_, i) => ["red", "green", "blue"][i % 3]), hashModN(nodes(4)), nodes(4));
    expect(Object.values(low.load).filter((c) => c > 0).length).toBeLessThanOrEqual(3);
  });

  it("range partitioning keeps sorted ranges together (engine RangePartitioner)", () => {
    const nums = Array.from({ length: 1000 }, (_, i) => i);
    const assign = rangeAssign(nodes(4), { sample: nums });
    const st = loadPerNode(nums, assign, nodes(4));
    expect(Object.values(st.load)).toEqual([250, 250, 250, 250]);
    expect(assign(0)).toBe("node-0");
    expect(assign(999)).toBe("node-3");
  });

  it("rejects bad input with typed errors", () => {
    expect(() => new ConsistentHashRing({ virtualNodes: 0 })).toThrow(AnalysisError);
    const r = new ConsistentHashRing({ nodes: ["a"] });
    expect(() => r.add("a")).toThrow(/already in the ring/);
    expect(() => r.remove("b")).toThrow(/NODE_NOT_IN_RING/);
    expect(() => new ConsistentHashRing().nodeFor("k")).toThrow(/EMPTY_RING/);
  });
});

describe("ringSvg", () => {
  it("draws one arc per token, a legend entry per node and the replicas of each key", async () => {
    const { ringSvg } = await import("./ring-svg");
    const ring = new ConsistentHashRing({ nodes: ["a", "b", "c"], virtualNodes: 4 });
    const svg = ringSvg(ring, { keys: ["k1"], replication: 2 });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(12);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
    for (const n of ["a", "b", "c"]) expect(svg).toContain(`>${n}</text>`);
  });

  it("animates a node joining: both states alternate, colours stay per node, moved keys are red", async () => {
    const { ringChangeSvg } = await import("./ring-svg");
    const before = new ConsistentHashRing({ nodes: ["a", "b", "c"], virtualNodes: 4 });
    const after = new ConsistentHashRing({ nodes: ["a", "b", "c", "d"], virtualNodes: 4 });
    const keys = Array.from({ length: 40 }, (_, i) => `key${i}`);
    const svg = ringChangeSvg(before, after, { keys });
    const moved = keys.filter((k) => before.nodeFor(k) !== after.nodeFor(k));
    expect(moved.length).toBeGreaterThan(0);
    expect(svg.match(/<animate attributeName="opacity"/g)).toHaveLength(2);
    expect(svg.match(/<path /g)).toHaveLength(12 + 16);
    expect(svg.match(/fill="#d62728"/g)).toHaveLength(moved.length);
    expect(svg).toContain(`(${moved.length} of 40 keys moved)`);
    // node a has one colour in both frames
    const colourOfA = [...svg.matchAll(/stroke="(#[0-9a-f]+)" stroke-width="10"><title>a vnode/g)].map((m) => m[1]);
    expect(colourOfA).toHaveLength(8);
    expect(new Set(colourOfA).size).toBe(1);
  });
});
