// Row kernels of MinHashLSH (Spark ML's org.apache.spark.ml.feature.MinHashLSH), shipped to the
// workers by name: the hash of a vector's set of non-zero indices under each table's
// h(i) = ((1 + i) * a + b) mod 2038074743, and the Jaccard distance of two such sets.

import { ExecutionError } from "../common/errors";
import { DenseVector, SparseVector, isVector, type Vector } from "./linalg";
import { registerKernel, type KernelSpec } from "./kernels";

/** Spark's MinHashLSH.HASH_PRIME. */
export const MINHASH_PRIME = 2038074743;

/** The indices of the non-zero entries (the set a vector stands for). */
export function nonZeroIndices(v: Vector): number[] {
  const out: number[] = [];
  if (v instanceof SparseVector) { v.indices.forEach((i, k) => { if (v.values[k] !== 0) out.push(i); }); return out; }
  v.values.forEach((x, i) => { if (x !== 0) out.push(i); });
  return out;
}

function vectorOf(spec: KernelSpec, col: string, v: unknown): Vector {
  if (!isVector(v)) {
    throw new ExecutionError("ML_INVALID_INPUT", `${spec.stage}: column '${col}' holds ${v === null || v === undefined ? "a null" : typeof v}; expected vectors.`, { parameters: { stage: spec.stage, column: col } });
  }
  return v;
}

/** The min-hash of one set under each (a, b), exactly as Spark's Long arithmetic (bigint past 2^53). */
export function minHashes(indices: number[], coefs: Array<[number, number]>): number[] {
  return coefs.map(([a, b]) => {
    let min = Infinity;
    for (const i of indices) {
      const p = (1 + i) * a + b;
      const h = p <= Number.MAX_SAFE_INTEGER ? p % MINHASH_PRIME : Number((BigInt(1 + i) * BigInt(a) + BigInt(b)) % BigInt(MINHASH_PRIME));
      if (h < min) min = h;
    }
    return min;
  });
}

/** 1 - |A ∩ B| / |A ∪ B| over the non-zero indices (Spark's MinHashLSHModel.keyDistance). */
export function jaccardDistance(x: Vector, y: Vector): number {
  const a = new Set(nonZeroIndices(x)), b = nonZeroIndices(y);
  let inter = 0;
  for (const i of b) if (a.has(i)) inter++;
  const union = a.size + b.length - inter;
  return 1 - inter / union;
}

function requireNonEmpty(spec: KernelSpec, idx: number[]): void {
  if (idx.length === 0) throw new ExecutionError("ML_INVALID_INPUT", `${spec.stage}: requirement failed: Must have at least 1 non zero entry.`, { parameters: { stage: spec.stage, column: spec.input as string } });
}

// [hashes as Spark outputs them (one 1-element DenseVector per table), the same as plain numbers]
registerKernel("minHashLSH", (spec) => {
  const input = spec.input as string, coefs = spec.coefs as Array<[number, number]>, plain = spec.plain === true;
  return (row) => {
    const idx = nonZeroIndices(vectorOf(spec, input, row[input]));
    requireNonEmpty(spec, idx);
    const h = minHashes(idx, coefs);
    return plain ? [h] : [h.map((v) => new DenseVector([v]))];
  };
});

registerKernel("jaccardDistance", (spec) => {
  const left = spec.left as string, right = spec.right as string;
  return (row) => [jaccardDistance(vectorOf(spec, left, row[left]), vectorOf(spec, right, row[right]))];
});

registerKernel("jaccardToKey", (spec) => {
  const input = spec.input as string, key = new Set(spec.keyIndices as number[]);
  return (row) => {
    const x = nonZeroIndices(vectorOf(spec, input, row[input]));
    const inter = x.filter((i) => key.has(i)).length;
    return [1 - inter / (x.length + key.size - inter)];
  };
});
