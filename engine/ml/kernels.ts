// The per-row work of every ML transformer and model, as plain functions of a plain-data spec.
// A transform ships the spec to the workers and runs `ml.mapRows` over each partition, so no
// DataFrame or stage object crosses the wire. Imported by engine/worker-preload.ts (through
// ./worker.ts), so keep it free of driver-only imports.

import { registerShippable } from "../common/closure";
import { ExecutionError } from "../common/errors";
import { DenseVector, SparseVector, isVector, denseValues, type Vector } from "./linalg";

type Row = Record<string, unknown>;
/** Values of the appended columns for one row, or null to drop the row (handleInvalid = "skip"). */
type RowFn = (row: Row) => unknown[] | null;
export type KernelSpec = { kind: string; stage: string } & Record<string, unknown>;

const kernels = new Map<string, (spec: KernelSpec) => RowFn>();
export function registerKernel(kind: string, make: (spec: KernelSpec) => RowFn): void { kernels.set(kind, make); }

function fail(spec: KernelSpec, message: string, condition = "ML_INVALID_INPUT"): never {
  throw new ExecutionError(condition, `${spec.stage}: ${message}`, { parameters: { stage: spec.stage } });
}

const made = new WeakMap<KernelSpec, RowFn>();

/**
 * The kernel's `index`-th output for one row given as the values of `names` (index -1: whether
 * the row is kept, for handleInvalid = "skip"). The kernel is built once per spec object.
 */
export const kernelValue = registerShippable("ml.kernelValue", function kernelValue(spec: KernelSpec, names: string[], index: number, vals: unknown[]): unknown {
  let fn = made.get(spec);
  if (!fn) {
    const make = kernels.get(spec.kind);
    if (!make) throw new ExecutionError("INTERNAL_ERROR", `no ML kernel '${spec.kind}' in this process`);
    fn = make(spec);
    made.set(spec, fn);
  }
  const row: Row = {};
  for (let i = 0; i < names.length; i++) row[names[i]!] = vals[i];
  const out = fn(row);
  if (index < 0) return out !== null;
  return out === null ? null : out[index] ?? null;
});

/** [label, features, weight] points for training: the label (NaN when absent) and dense features. */
export type Point = [number, Float64Array];
/** Points from the internal rows [features, label?] of the training columns (no row objects built). */
export const toPoints = registerShippable("ml.toPoints", function* toPoints(stage: string, featuresCol: string, labelCol: string | null, it: Iterable<unknown[]>): Generator<Point> {
  for (const row of it) yield [pointLabel(stage, labelCol, row), pointFeatures(stage, featuresCol, row)];
});

function pointFeatures(stage: string, featuresCol: string, row: unknown[]): Float64Array {
  const f = row[0];
  if (!isVector(f)) {
    throw new ExecutionError("ML_INVALID_INPUT", `${stage}: column '${featuresCol}' holds ${f === null || f === undefined ? "a null" : typeof f} in a row; features must be vectors (use VectorAssembler, and an Imputer for missing values).`, { parameters: { stage, column: featuresCol } });
  }
  return denseValues(f);
}

function pointLabel(stage: string, labelCol: string | null, row: unknown[]): number {
  if (labelCol === null) return NaN;
  const l = row[1];
  if (typeof l !== "number" && typeof l !== "bigint") {
    throw new ExecutionError("ML_INVALID_INPUT", `${stage}: label column '${labelCol}' holds ${l === null || l === undefined ? "a null" : JSON.stringify(l)}; labels must be numbers (index string labels with StringIndexer).`, { parameters: { stage, column: labelCol } });
  }
  return Number(l);
}

/**
 * Training points stacked into blocks, as Spark's InstanceBlock: row r's features are
 * x[r*d .. r*d+d), its label y[r]. One flat array per block instead of a small array per point
 * keeps the values side by side in memory, which makes every gradient pass faster.
 */
export interface PointBlock { n: number; d: number; y: Float64Array; x: Float64Array }
/** Rows per block: about 1 MB of features at 30 dimensions (Spark's maxBlockSizeInMB default picks 1 MB). */
export const BLOCK_ROWS = 4096;

/** Blocks of points from the internal rows [features, label?]; all vectors must have one size. */
export const toPointBlocks = registerShippable("ml.toPointBlocks", function* toPointBlocks(stage: string, featuresCol: string, labelCol: string | null, it: Iterable<unknown[]>): Generator<PointBlock> {
  // Features that already lie side by side in one buffer (a cached vector column is packed, so its
  // vectors are consecutive views) become the block as a view, without a copy; otherwise (or from
  // the first row that breaks the run) they are copied into the block's own array.
  let d = -1, n = 0, y = new Float64Array(0), x: Float64Array | null = null;
  let first: Float64Array | null = null; // the run's first vector, while the block is a view run
  const run = () => new Float64Array(first!.buffer, first!.byteOffset, n * d); // the view of the run so far
  const flush = (): PointBlock => {
    const full = n === BLOCK_ROWS;
    const b: PointBlock = { n, d, y: full ? y : y.slice(0, n), x: x === null ? run() : full ? x : x.slice(0, n * d) };
    n = 0; y = new Float64Array(BLOCK_ROWS); x = null; first = null;
    return b;
  };
  for (const row of it) {
    const label = pointLabel(stage, labelCol, row), f = pointFeatures(stage, featuresCol, row);
    if (d < 0) { d = f.length; y = new Float64Array(BLOCK_ROWS); }
    if (f.length !== d) throw new ExecutionError("VECTOR_SIZE_MISMATCH", `${stage}: vectors of sizes ${d} and ${f.length} in column '${featuresCol}'.`, { parameters: { stage, column: featuresCol } });
    if (x === null) {
      if (n === 0) first = f;
      else if (f.buffer !== first!.buffer || f.byteOffset !== first!.byteOffset + n * d * 8) {
        // The run ends: a long one becomes a block of its own; a short one is copied and the block goes on as a copy.
        if (n >= BLOCK_ROWS / 4) { yield flush(); first = f; }
        else { x = new Float64Array(BLOCK_ROWS * d); x.set(run()); }
      }
    }
    if (x !== null) for (let i = 0, o = n * d; i < d; i++) x[o + i] = f[i]!; // a loop: set() costs more for small vectors
    y[n] = label;
    if (++n === BLOCK_ROWS) yield flush();
  }
  if (n > 0) yield flush();
});

function num(spec: KernelSpec, col: string, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return v;
  if (typeof v === "bigint" || typeof v === "boolean") return Number(v);
  return fail(spec, `column '${col}' holds the non-numeric value ${JSON.stringify(v)}.`);
}

/** Spark's Vector.compressed: sparse when that takes less space. */
export function compressed(values: number[] | Float64Array): Vector {
  let nnz = 0;
  for (const v of values) if (v !== 0) nnz++;
  if (1.5 * (nnz + 1) < values.length) {
    const idx: number[] = [], vals: number[] = [];
    values.forEach((v, i) => { if (v !== 0) { idx.push(i); vals.push(v); } });
    return new SparseVector(values.length, idx, vals);
  }
  return new DenseVector(values);
}

// VectorAssembler
registerKernel("assemble", (spec) => {
  const cols = spec.cols as string[], sizes = spec.sizes as (number | null)[], handle = spec.handleInvalid as string;
  return (row) => {
    const out: number[] = [];
    for (let c = 0; c < cols.length; c++) {
      const v = row[cols[c]!];
      const size = sizes[c];
      if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) {
        if (handle === "skip") return null;
        if (handle === "error") {
          fail(spec, `Encountered ${v === null || v === undefined ? "null" : "NaN"} while assembling a row with handleInvalid = "error" (column '${cols[c]}'). Consider removing nulls from dataset or using handleInvalid = "keep" or "skip".`, "ML_NULL_IN_FEATURES");
        }
        for (let k = 0; k < (size ?? 1); k++) out.push(NaN);
        continue;
      }
      if (isVector(v)) {
        if (size !== null && size !== undefined && v.size !== size) fail(spec, `column '${cols[c]}' holds a vector of size ${v.size}, expected ${size} (the size of its first vector).`, "VECTOR_SIZE_MISMATCH");
        for (const x of denseValues(v)) out.push(x);
      } else out.push(num(spec, cols[c]!, v)!);
    }
    return [compressed(out)];
  };
});

// StringIndexerModel
registerKernel("stringIndex", (spec) => {
  const inputs = spec.inputs as string[], labels = spec.labels as string[][], handle = spec.handleInvalid as string;
  const maps = labels.map((ls) => new Map(ls.map((l, i) => [l, i])));
  return (row) => {
    const out: number[] = [];
    for (let c = 0; c < inputs.length; c++) {
      const v = row[inputs[c]!];
      const idx = v === null || v === undefined ? undefined : maps[c]!.get(String(v));
      if (idx !== undefined) { out.push(idx); continue; }
      if (handle === "skip") return null;
      if (handle === "keep") { out.push(labels[c]!.length); continue; }
      if (v === null || v === undefined) fail(spec, `StringIndexer encountered NULL value in column '${inputs[c]}'. To handle or skip NULLS, try setting StringIndexer.handleInvalid.`, "ML_NULL_IN_FEATURES");
      fail(spec, `Unseen label: ${String(v)} in column '${inputs[c]}'. To handle unseen labels, set Param handleInvalid to keep.`, "ML_UNSEEN_LABEL");
    }
    return out;
  };
});

// IndexToString
registerKernel("indexToString", (spec) => {
  const input = spec.input as string, labels = spec.labels as string[];
  return (row) => {
    const v = num(spec, input, row[input]);
    if (v === null) return [null];
    if (!Number.isInteger(v) || v < 0 || v >= labels.length) fail(spec, `Unseen index: ${v} in column '${input}' (${labels.length} labels).`, "ML_UNSEEN_LABEL");
    return [labels[v]!];
  };
});

// OneHotEncoderModel
registerKernel("oneHot", (spec) => {
  const inputs = spec.inputs as string[], sizes = spec.sizes as number[], dropLast = spec.dropLast as boolean, handle = spec.handleInvalid as string;
  return (row) => inputs.map((col, c) => {
    const n = sizes[c]!;
    const keep = handle === "keep";
    const size = n + (keep ? 1 : 0) - (dropLast ? 1 : 0);
    const v = num(spec, col, row[col]);
    let idx: number;
    if (v === null || !Number.isInteger(v) || v < 0 || v >= n) {
      if (!keep) fail(spec, `Unseen value: ${v}. To handle unseen values, set Param handleInvalid to keep. (column '${col}', ${n} categories)`, "ML_UNSEEN_LABEL");
      idx = n;
    } else idx = v;
    return idx < size ? new SparseVector(size, [idx], [1]) : new SparseVector(size, [], []);
  });
});

// StandardScalerModel / MinMaxScalerModel / MaxAbsScaler: affine per component
registerKernel("affine", (spec) => {
  const input = spec.input as string, shift = spec.shift as number[], scale = spec.scale as number[], add = (spec.add as number[] | undefined) ?? null;
  return (row) => {
    const v = row[input];
    if (v === null || v === undefined) return [null];
    if (!isVector(v)) fail(spec, `column '${input}' must hold vectors.`);
    if (v.size !== shift.length) fail(spec, `vector of size ${v.size} in column '${input}', the model was fitted on size ${shift.length}.`, "VECTOR_SIZE_MISMATCH");
    const x = denseValues(v), out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = (x[i]! - shift[i]!) * scale[i]! + (add ? add[i]! : 0);
    return [new DenseVector(out)];
  };
});

// ImputerModel
registerKernel("impute", (spec) => {
  const inputs = spec.inputs as string[], surrogates = spec.surrogates as number[], missing = spec.missingValue as number;
  return (row) => inputs.map((col, c) => {
    const v = num(spec, col, row[col]);
    return v === null || Number.isNaN(v) || v === missing ? surrogates[c]! : v;
  });
});

// Bucketizer
registerKernel("bucketize", (spec) => {
  const inputs = spec.inputs as string[], splits = spec.splits as number[][], handle = spec.handleInvalid as string;
  return (row) => {
    const out: number[] = [];
    for (let c = 0; c < inputs.length; c++) {
      const v = num(spec, inputs[c]!, row[inputs[c]!]);
      const s = splits[c]!;
      if (v === null || Number.isNaN(v)) {
        if (handle === "skip") return null;
        if (handle === "keep") { out.push(s.length - 1); continue; }
        fail(spec, `Bucketizer encountered NaN/null value in column '${inputs[c]}'. To handle or skip NaNs, try setting Bucketizer.handleInvalid.`);
      }
      if (v < s[0]! || v > s[s.length - 1]!) fail(spec, `Feature value ${v} out of Bucketizer bounds [${s[0]}, ${s[s.length - 1]}] in column '${inputs[c]}'.`);
      let lo = 0, hi = s.length - 1; // find bucket: s[b] <= v < s[b+1], last bucket closed
      while (hi - lo > 1) { const m = (lo + hi) >> 1; if (v >= s[m]!) lo = m; else hi = m; }
      out.push(lo);
    }
    return out;
  };
});

// Tokenizer / RegexTokenizer
registerKernel("tokenize", (spec) => {
  const input = spec.input as string, pattern = new RegExp(spec.pattern as string, "gu"), gaps = spec.gaps as boolean;
  const lower = spec.toLowercase as boolean, minLen = spec.minTokenLength as number;
  return (row) => {
    const v = row[input];
    if (v === null || v === undefined) return [null];
    if (typeof v !== "string") fail(spec, `column '${input}' must hold strings, found ${typeof v}.`);
    const s = lower ? v.toLowerCase() : v;
    const toks = gaps ? s.split(pattern) : [...s.matchAll(pattern)].map((m) => m[0]);
    return [toks.filter((t) => t.length >= minLen)];
  };
});

// StopWordsRemover
registerKernel("stopWords", (spec) => {
  const input = spec.input as string, caseSensitive = spec.caseSensitive as boolean;
  const words = new Set((spec.stopWords as string[]).map((w) => (caseSensitive ? w : w.toLowerCase())));
  return (row) => {
    const v = row[input] as string[] | null;
    if (v === null || v === undefined) return [null];
    return [v.filter((t) => !words.has(caseSensitive ? t : t.toLowerCase()))];
  };
});

/** MurmurHash3 x86 32-bit over UTF-8 bytes (Spark's Murmur3_x86_32.hashUnsafeBytes2), signed. */
export function murmur3(text: string, seed: number): number {
  const data = Buffer.from(text, "utf8");
  let h = seed >>> 0;
  const n4 = data.length & ~3;
  const mix = (k: number): number => {
    k = Math.imul(k, 0xcc9e2d51); k = (k << 15) | (k >>> 17); return Math.imul(k, 0x1b873593);
  };
  for (let i = 0; i < n4; i += 4) {
    h ^= mix(data.readInt32LE(i));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const rem = data.length & 3;
  if (rem === 3) k ^= data[n4 + 2]! << 16;
  if (rem >= 2) k ^= data[n4 + 1]! << 8;
  if (rem >= 1) { k ^= data[n4]!; h ^= mix(k); }
  h ^= data.length;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h | 0;
}

// HashingTF
registerKernel("hashingTF", (spec) => {
  const input = spec.input as string, n = spec.numFeatures as number, binary = spec.binary as boolean;
  return (row) => {
    const v = row[input];
    if (v === null || v === undefined) return [null];
    if (!Array.isArray(v)) fail(spec, `column '${input}' must hold arrays of terms (use a Tokenizer first).`);
    const counts = new Map<number, number>();
    for (const t of v) {
      const h = murmur3(String(t), 42);
      const i = ((h % n) + n) % n;
      counts.set(i, binary ? 1 : (counts.get(i) ?? 0) + 1);
    }
    const idx = [...counts.keys()].sort((a, b) => a - b);
    return [new SparseVector(n, idx, idx.map((i) => counts.get(i)!))];
  };
});

// CountVectorizerModel
registerKernel("countVector", (spec) => {
  const input = spec.input as string, vocab = new Map((spec.vocabulary as string[]).map((w, i) => [w, i])), binary = spec.binary as boolean, minTF = spec.minTF as number;
  return (row) => {
    const v = row[input] as string[] | null;
    if (v === null || v === undefined) return [null];
    const counts = new Map<number, number>();
    for (const t of v) { const i = vocab.get(t); if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1); }
    const thr = minTF >= 1 ? minTF : minTF * v.length;
    const idx = [...counts.keys()].filter((i) => counts.get(i)! >= thr).sort((a, b) => a - b);
    return [new SparseVector(vocab.size, idx, idx.map((i) => (binary ? 1 : counts.get(i)!)))];
  };
});

// IDFModel
registerKernel("idf", (spec) => {
  const input = spec.input as string, idf = spec.idf as number[];
  return (row) => {
    const v = row[input];
    if (v === null || v === undefined) return [null];
    if (!isVector(v)) fail(spec, `column '${input}' must hold vectors.`);
    if (v instanceof SparseVector) return [new SparseVector(v.size, v.indices, Array.from(v.values, (x, k) => x * idf[v.indices[k]!]!))];
    return [new DenseVector(Array.from(v.values, (x, i) => x * idf[i]!))];
  };
});

// Linear models: prediction = w.x + b (LinearRegressionModel)
registerKernel("linear", (spec) => {
  const fc = spec.featuresCol as string, w = spec.coefficients as number[], b = spec.intercept as number;
  return (row) => {
    const x = features(spec, fc, row, w.length);
    let s = b;
    for (let i = 0; i < w.length; i++) s += w[i]! * x[i]!;
    return [s];
  };
});

function features(spec: KernelSpec, fc: string, row: Row, size: number): Float64Array {
  const v = row[fc];
  if (!isVector(v)) fail(spec, `features column '${fc}' holds ${v === null || v === undefined ? "a null" : typeof v}; expected a vector.`, v === null || v === undefined ? "ML_NULL_IN_FEATURES" : "ML_INVALID_INPUT");
  if (v.size !== size) fail(spec, `features vector of size ${v.size} in column '${fc}', the model expects ${size}.`, "VECTOR_SIZE_MISMATCH");
  return denseValues(v);
}

/** Class probabilities for logistic margins (binary: sigmoid of margin[1]; multinomial: softmax). */
function softmax(m: number[]): number[] {
  const mx = Math.max(...m);
  const e = m.map((x) => Math.exp(x - mx));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

// LogisticRegressionModel: rawPrediction, probability, prediction
registerKernel("logistic", (spec) => {
  const fc = spec.featuresCol as string, W = spec.coefficientMatrix as number[][], b = spec.interceptVector as number[];
  const binary = spec.binary as boolean, threshold = spec.threshold as number, d = W[0]!.length;
  return (row) => {
    const x = features(spec, fc, row, d);
    const margins = W.map((w, k) => { let s = b[k]!; for (let i = 0; i < d; i++) s += w[i]! * x[i]!; return s; });
    if (binary) {
      const m = margins[0]!, p1 = 1 / (1 + Math.exp(-m));
      return [new DenseVector([-m, m]), new DenseVector([1 - p1, p1]), p1 > threshold ? 1 : 0];
    }
    const p = softmax(margins);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    return [new DenseVector(margins), new DenseVector(p), best];
  };
});

// KMeansModel: index of the closest centre
registerKernel("kmeans", (spec) => {
  const fc = spec.featuresCol as string, centers = spec.centers as number[][];
  return (row) => [closest(centers, features(spec, fc, row, centers[0]!.length))[0]];
});

/** [index, squared distance] of the closest centre. */
export function closest(centers: ArrayLike<number>[], x: ArrayLike<number>): [number, number] {
  let best = 0, bestD = Infinity;
  for (let c = 0; c < centers.length; c++) {
    const ctr = centers[c]!;
    let d = 0;
    for (let i = 0; i < x.length; i++) { const t = x[i]! - ctr[i]!; d += t * t; }
    if (d < bestD) { bestD = d; best = c; }
  }
  return [best, bestD];
}

// DecisionTreeClassificationModel: class counts of the leaf
registerKernel("tree", (spec) => {
  const fc = spec.featuresCol as string, nodes = spec.nodes as { feature: number; threshold: number; left: number; right: number; counts: number[] }[], d = spec.numFeatures as number;
  return (row) => {
    const x = features(spec, fc, row, d);
    let n = nodes[0]!;
    while (n.feature >= 0) n = nodes[x[n.feature]! <= n.threshold ? n.left : n.right]!;
    const total = n.counts.reduce((a, b) => a + b, 0) || 1;
    let best = 0;
    for (let k = 1; k < n.counts.length; k++) if (n.counts[k]! > n.counts[best]!) best = k;
    return [new DenseVector(n.counts), new DenseVector(n.counts.map((c) => c / total)), best];
  };
});

// PCAModel: the projection pcᵀ x (Spark does not centre the data).
registerKernel("pca", (spec) => {
  const input = spec.input as string, pc = spec.pc as number[][], d = pc.length, k = pc[0]?.length ?? 0;
  return (row) => {
    const v = row[input];
    if (v === null || v === undefined) return [null];
    if (!isVector(v)) fail(spec, `column '${input}' must hold vectors.`);
    const x = denseValues(v);
    if (x.length !== d) fail(spec, `vectors in column '${input}' have size ${x.length}; the model was fitted on size ${d}.`);
    const out = new Array<number>(k).fill(0);
    for (let i = 0; i < d; i++) { const xi = x[i]!; if (xi !== 0) for (let j = 0; j < k; j++) out[j]! += pc[i]![j]! * xi; }
    return [new DenseVector(out)];
  };
});

// RandomForestClassificationModel: each tree votes its leaf's class distribution (Spark's raw
// prediction is the sum of the trees' normalized leaf counts); probability = raw / its sum.
registerKernel("forest", (spec) => {
  const fc = spec.featuresCol as string, trees = spec.trees as { feature: number; threshold: number; left: number; right: number; counts: number[] }[][];
  const d = spec.numFeatures as number, K = spec.numClasses as number;
  return (row) => {
    const x = features(spec, fc, row, d);
    const raw = new Array<number>(K).fill(0);
    for (const nodes of trees) {
      let n = nodes[0]!;
      while (n.feature >= 0) n = nodes[x[n.feature]! <= n.threshold ? n.left : n.right]!;
      const total = n.counts.reduce((a, b) => a + b, 0);
      if (total > 0) for (let k = 0; k < K; k++) raw[k]! += (n.counts[k] ?? 0) / total;
    }
    const sum = raw.reduce((a, b) => a + b, 0) || 1;
    let best = 0;
    for (let k = 1; k < K; k++) if (raw[k]! > raw[best]!) best = k;
    return [new DenseVector(raw), new DenseVector(raw.map((r) => r / sum)), best];
  };
});

// NaiveBayesModel (multinomial): raw = pi + theta . x, probability = softmax(raw)
registerKernel("naiveBayes", (spec) => {
  const fc = spec.featuresCol as string, pi = spec.pi as number[], theta = spec.theta as number[][];
  return (row) => {
    const x = features(spec, fc, row, theta[0]!.length);
    const raw = pi.map((p, k) => { let s = p; const t = theta[k]!; for (let i = 0; i < x.length; i++) s += t[i]! * x[i]!; return s; });
    const p = softmax(raw);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    return [new DenseVector(raw), new DenseVector(p), best];
  };
});
