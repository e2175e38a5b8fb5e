// Shingling, Jaccard, MinHash and LSH against plain definitions; Lloyd's k-means against
// scikit-learn's KMeans (lloyd, same initial centres) when /usr/bin/python3 has it.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { evaluateCandidates, jaccard, kmeansPlusPlus, lloyd, MinHash, MinHashLSH, seededRandom, shingles } from "./index";

function hasSklearn(): boolean {
  try { execFileSync("/usr/bin/python3", ["-c", "import sklearn"], { stdio: "ignore" }); return true; } catch { return false; }
}

describe("shingles and Jaccard", () => {
  it("char and word shingles as defined", () => {
    expect([...shingles("abcab", 2)]).toEqual(["ab", "bc", "ca"]);
    expect([...shingles("the cat is glad", 2, { unit: "word" })]).toEqual(["the cat", "cat is", "is glad"]);
    expect([...shingles("The  Cat", 3)]).toEqual(["the", "he ", "e c", " ca", "cat"]);
    expect([...shingles("ab", 5)]).toEqual(["ab"]);
    expect(() => shingles("x", 0)).toThrow(/positive integer/);
  });
  it("jaccard = |A∩B| / |A∪B|", () => {
    expect(jaccard(new Set([1, 2, 3]), new Set([2, 3, 4]))).toBeCloseTo(2 / 4);
    expect(jaccard([], [])).toBe(1);
    expect(jaccard(["a"], ["b"])).toBe(0);
  });
});

describe("MinHash", () => {
  it("signature = min of each hash over the set; signature matrix is hashes x documents", () => {
    const mh = new MinHash(4, 7);
    const set = ["the cat", "cat is", "is glad"];
    const sig = mh.signature(set);
    for (let i = 0; i < 4; i++) expect(sig[i]).toBe(Math.min(...set.map((s) => mh.hash(i, MinHash.row(s)))));
    const m = mh.signatureMatrix([set, ["cat is"]]);
    expect(m.length).toBe(4);
    expect(m.every((row) => row.length === 2)).toBe(true);
  });
  it("h_i(x) = (a_i * x + b_i) mod (2^31 - 1), exactly (checked with BigInt)", () => {
    const mh = new MinHash(50, 99);
    const rnd = seededRandom(8);
    const p = 2147483647n;
    for (let t = 0; t < 2000; t++) {
      const i = t % 50, x = t < 10 ? [0, 1, 2147483646, 65535, 65536][t % 5]! : Math.floor(rnd() * 2147483647);
      expect(mh.hash(i, x)).toBe(Number((BigInt(mh.a[i]!) * BigInt(x) + BigInt(mh.b[i]!)) % p));
    }
  });
  it("the estimate agrees with exact Jaccard within statistical bounds", () => {
    const rnd = seededRandom(3);
    const mh = new MinHash(400, 11);
    let worst = 0;
    for (let t = 0; t < 30; t++) {
      const a = new Set<number>(), b = new Set<number>();
      for (let i = 0; i < 300; i++) { const x = Math.floor(rnd() * 600); if (rnd() < 0.7) a.add(x); if (rnd() < 0.7) b.add(x); }
      const j = jaccard(a, b);
      const est = MinHash.estimate(mh.signature(a), mh.signature(b));
      const sd = Math.sqrt((j * (1 - j)) / 400);
      worst = Math.max(worst, Math.abs(est - j) / Math.max(sd, 1e-3));
    }
    expect(worst).toBeLessThan(4.5);   // every estimate within 4.5 standard deviations
  });
});

describe("LSH", () => {
  it("S-curve formula and measured candidate rates agree; FP/FN counted", () => {
    const lsh = new MinHashLSH(10, 4);
    expect(lsh.probability(0.5)).toBeCloseTo(1 - Math.pow(1 - 0.5 ** 4, 10));
    const rnd = seededRandom(5);
    // pairs of sets with controlled similarity: measure how often they become candidates
    for (const target of [0.2, 0.5, 0.8]) {
      let hits = 0;
      const trials = 150;
      for (let t = 0; t < trials; t++) {
        const mh = new MinHash(40, 1000 + t);
        const shared = Math.round(200 * (2 * target) / (1 + target));
        const base = Array.from({ length: shared }, () => rnd());
        const a = [...base, ...Array.from({ length: 200 - shared }, () => rnd())];
        const b = [...base, ...Array.from({ length: 200 - shared }, () => rnd())];
        const s = jaccard(a, b);
        expect(Math.abs(s - target)).toBeLessThan(0.02);
        if (lsh.candidatePairs([mh.signature(a), mh.signature(b)]).length) hits++;
      }
      const p = lsh.probability(target);
      expect(Math.abs(hits / trials - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / trials) + 0.02);
    }
    const sets = [["a", "b", "c"], ["a", "b", "c"], ["x", "y"]];
    const mh = new MinHash(40, 1);
    const cands = lsh.candidatePairs(sets.map((s) => mh.signature(s)));
    expect(cands).toEqual([[0, 1]]);
    expect(evaluateCandidates(sets, cands, 0.8)).toEqual({ truePositives: 1, falsePositives: 0, falseNegatives: 0, similarPairs: 1 });
  });
});

describe("k-means reference", () => {
  const rnd = seededRandom(9);
  const blobs = [[0, 0], [6, 6], [0, 8]];
  const points = Array.from({ length: 300 }, (_, i) => { const c = blobs[i % 3]!; return [c[0]! + rnd() * 2 - 1, c[1]! + rnd() * 2 - 1]; });

  it("k-means++ picks k distinct input points, deterministically per seed", () => {
    const c = kmeansPlusPlus(points, 3, 4);
    expect(c.length).toBe(3);
    expect(kmeansPlusPlus(points, 3, 4)).toEqual(c);
    for (const x of c) expect(points.some((p) => p[0] === x[0] && p[1] === x[1])).toBe(true);
  });

  it.skipIf(!hasSklearn())("Lloyd's iteration equals scikit-learn's KMeans (lloyd) from the same start", () => {
    const init = [points[0]!, points[1]!, points[5]!];
    const ours = lloyd(points, init, { tolerance: 0, maxIterations: 300 });
    const py = `
import json, sys
import numpy as np
from sklearn.cluster import KMeans
d = json.load(sys.stdin)
km = KMeans(n_clusters=3, init=np.array(d["init"]), n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(np.array(d["points"]))
print(json.dumps(km.cluster_centers_.tolist()))`;
    const theirs = JSON.parse(execFileSync("/usr/bin/python3", ["-c", py], { input: JSON.stringify({ points, init }), encoding: "utf8" })) as number[][];
    expect(ours.converged).toBe(true);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) expect(ours.centres[i]![j]!).toBeCloseTo(theirs[i]![j]!, 9);
  });
});
