// VectorIndexer's work on the workers: the distinct values of every feature of a vector column
// (up to maxCategories + 1: more means continuous), and the per-row indexing of the categorical
// features. Registered by name (imported by ./worker.ts and ./vector-indexer.ts).

import { ExecutionError } from "../common/errors";
import { registerAggregator } from "./aggregators";
import { registerKernel } from "./kernels";
import { DenseVector, SparseVector, denseValues, isVector } from "./linalg";

/** Per feature: its distinct values, or null once it has more than `max`. */
export interface FeatureValues { d: number; values: (Set<number> | null)[] }

registerAggregator<{ col: string; stage: string; max: number }, FeatureValues | null, Record<string, unknown>>("featureValues", {
  zero: () => null,
  add(acc, row, spec) {
    const v = row[spec.col];
    if (!isVector(v)) throw new ExecutionError("ML_NULL_IN_FEATURES", `${spec.stage}: column '${spec.col}' holds ${v === null || v === undefined ? "a null" : typeof v}; expected vectors.`, { parameters: { stage: spec.stage, column: spec.col } });
    const a = acc ?? { d: v.size, values: Array.from({ length: v.size }, () => new Set<number>()) };
    if (a.d !== v.size) throw new ExecutionError("VECTOR_SIZE_MISMATCH", `${spec.stage}: vectors of sizes ${a.d} and ${v.size} in column '${spec.col}'.`, { parameters: { stage: spec.stage, column: spec.col } });
    const add = (i: number, x: number) => { const s = a.values[i]; if (s && !s.has(x)) { s.add(x); if (s.size > spec.max) a.values[i] = null; } };
    denseValues(v).forEach((x, i) => add(i, x)); // a sparse vector's unstored entries count as zeros
    return a;
  },
  merge(a, b, spec) {
    if (!a) return b;
    if (!b) return a;
    if (a.d !== b.d) throw new ExecutionError("VECTOR_SIZE_MISMATCH", `${spec.stage}: vectors of sizes ${a.d} and ${b.d} in column '${spec.col}'.`);
    a.values = a.values.map((s, i) => {
      const t = b.values[i];
      if (!s || !t) return null;
      for (const x of t) s.add(x);
      return s.size > spec.max ? null : s;
    });
    return a;
  },
});

/** A double as Scala prints it (4.0, not 4). */
const scalaDouble = (x: number) => (Number.isInteger(x) ? x.toFixed(1) : String(x));

// Categorical features replaced by their category index; handleInvalid for unseen values.
registerKernel("vectorIndex", (spec) => {
  const input = spec.input as string, d = spec.numFeatures as number, handle = spec.handleInvalid as string;
  const maps = new Map((spec.maps as Array<[number, Array<[number, number]>]>).map(([i, m]) => [i, new Map(m)]));
  const index = (i: number, x: number): number | null => {
    const m = maps.get(i);
    if (!m) return x;
    const c = m.get(x);
    if (c !== undefined) return c;
    if (handle === "keep") return m.size;
    if (handle === "skip") return null;
    throw new ExecutionError("ML_INVALID_INPUT", `VectorIndexer encountered invalid value ${scalaDouble(x)} on feature index ${i}. To handle or skip invalid value, try setting VectorIndexer.handleInvalid.`, { parameters: { stage: spec.stage, feature: i } });
  };
  return (row) => {
    const v = row[input];
    if (v === null || v === undefined) return [null];
    if (!isVector(v)) throw new ExecutionError("ML_INVALID_INPUT", `${spec.stage}: column '${input}' must hold vectors.`);
    if (v.size !== d) throw new ExecutionError("VECTOR_SIZE_MISMATCH", `${spec.stage}: vectors in column '${input}' have size ${v.size}; the model was fitted on size ${d}.`, { parameters: { stage: spec.stage, column: input } });
    if (v instanceof SparseVector) { // only the stored entries change, as Spark
      const vals: number[] = [];
      for (let k = 0; k < v.indices.length; k++) { const c = index(v.indices[k]!, v.values[k]!); if (c === null) return null; vals.push(c); }
      return [new SparseVector(d, [...v.indices], vals)];
    }
    const out: number[] = [];
    for (let i = 0; i < d; i++) { const c = index(i, (v as DenseVector).values[i]!); if (c === null) return null; out.push(c); }
    return [new DenseVector(out)];
  };
});
