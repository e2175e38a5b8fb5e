// The passes of LogisticRegression over point blocks (./kernels.ts toPointBlocks, Spark's
// InstanceBlock): feature and label statistics, then the loss and gradient at each L-BFGS step.
// Registered by name like the aggregators in ./aggregators.ts (imported by ./worker.ts).

import { registerAggregator, addArr, addColStatsAt, addLabel, mergePointStats, zeroPointStats, type PointStats } from "./aggregators";
import type { PointBlock } from "./kernels";

/** PointStats (feature summary and label range) of point blocks. */
registerAggregator<{ featuresCol: string; stage: string }, PointStats, PointBlock>("blockStats", {
  zero: zeroPointStats,
  add(acc, blk, spec) {
    const { n, d, x, y } = blk;
    if (n === 0) return acc;
    acc.features = addColStatsAt(acc.features, x, 0, d, spec.stage, spec.featuresCol, n);
    for (let r = 0; r < n; r++) addLabel(acc.label, y[r]!);
    return acc;
  },
  merge: mergePointStats,
});

/**
 * Loss and gradient of the (multinomial) logistic loss summed over points, at coefficients
 * `w` (K x d row-major, features pre-scaled by `scale`) and intercepts `b` (K). Binary uses K = 1
 * (margin of class 1). Spark's LogisticAggregator (its blockified form).
 */
export interface LogisticGrad { n: number; loss: number; gw: Float64Array; gb: Float64Array }
type LogisticSpec = { d: number; K: number; binary: boolean; w: Float64Array; b: Float64Array; scale: Float64Array; ws?: Float64Array; margins?: Float64Array };
registerAggregator<LogisticSpec, LogisticGrad, PointBlock>("logisticGradient", {
  // the coefficients on the unscaled features (w_j * scale_j), computed once per partition
  prepare: (s) => ({ ...s, ws: Float64Array.from(s.w, (v, i) => v * s.scale[i % s.d]!), margins: new Float64Array(s.K) }),
  zero: (s) => ({ n: 0, loss: 0, gw: new Float64Array(s.K * s.d), gb: new Float64Array(s.K) }),
  add(a, blk, s) { return s.binary ? binaryBlock(a, blk, s) : multinomialBlock(a, blk, s); },
  merge(a, b) { a.n += b.n; a.loss += b.loss; addArr(a.gw, b.gw); addArr(a.gb, b.gb); return a; },
});

function binaryBlock(a: LogisticGrad, blk: PointBlock, s: LogisticSpec): LogisticGrad {
  const { d } = s, w = s.ws!, b0 = s.b[0]!, gw = a.gw, { n, x, y } = blk;
  let loss = 0, gb = 0;
  for (let r = 0, off = 0; r < n; r++, off += d) {
    const yr = y[r]!;
    let m = b0;
    for (let i = 0; i < d; i++) m += w[i]! * x[off + i]!;
    loss += (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))) - yr * m; // log(1 + e^m) - y m, stably
    const g = 1 / (1 + Math.exp(-m)) - yr;
    for (let i = 0; i < d; i++) gw[i]! += g * x[off + i]!;
    gb += g;
  }
  a.n += n; a.loss += loss; a.gb[0]! += gb;
  return a;
}

/** Softmax loss and gradient of each point of a block (multinomial). */
function multinomialBlock(a: LogisticGrad, blk: PointBlock, s: LogisticSpec): LogisticGrad {
  const { d, K, b } = s, w = s.ws!, margins = s.margins!, { n, x, y } = blk;
  for (let r = 0, off = 0; r < n; r++, off += d) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      let m = b[k]!;
      const row = k * d;
      for (let i = 0; i < d; i++) m += w[row + i]! * x[off + i]!;
      margins[k] = m;
      if (m > mx) mx = m;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(margins[k]! - mx);
    const lse = mx + Math.log(sum), yr = y[r]!;
    a.loss += lse - margins[yr]!;
    for (let k = 0; k < K; k++) {
      const g = Math.exp(margins[k]! - lse) - (k === yr ? 1 : 0);
      const row = k * d;
      for (let i = 0; i < d; i++) a.gw[row + i]! += g * x[off + i]!;
      a.gb[k]! += g;
    }
  }
  a.n += n;
  return a;
}
