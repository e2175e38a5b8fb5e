// Driver-side optimisers over a distributed loss: the loss and gradient at a point come from one
// treeAggregate pass on the workers; the optimiser state (a few vectors) stays on the driver, as
// in Spark (Breeze's L-BFGS with the RDD-based DiffFunction).

export type DiffFunction = (x: Float64Array) => Promise<{ loss: number; grad: Float64Array }>;

export interface LbfgsResult { x: Float64Array; loss: number; iterations: number; objectiveHistory: number[] }

const dotp = (a: Float64Array, b: Float64Array): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };

/**
 * Limited-memory BFGS (m corrections) with a backtracking line search (Armijo, halving). Stops
 * when the relative loss improvement or the gradient norm (relative to max(1, |loss|)) drops
 * below `tol`, or after maxIter iterations. The objective history starts with the initial loss.
 */
export async function lbfgs(f: DiffFunction, x0: Float64Array, opts: { maxIter: number; tol: number; m?: number }): Promise<LbfgsResult> {
  const m = opts.m ?? 10;
  let x = Float64Array.from(x0);
  let { loss, grad } = await f(x);
  const history = [loss];
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  let iter = 0;
  while (iter < opts.maxIter) {
    const gnorm = Math.sqrt(dotp(grad, grad));
    if (gnorm <= opts.tol * Math.max(1, Math.abs(loss))) break;
    // two-loop recursion: d = -H g
    const q = Float64Array.from(grad);
    const alpha: number[] = [];
    for (let i = S.length - 1; i >= 0; i--) {
      const a = rho[i]! * dotp(S[i]!, q);
      alpha[i] = a;
      for (let j = 0; j < q.length; j++) q[j]! -= a * Y[i]![j]!;
    }
    const gamma = S.length ? dotp(S[S.length - 1]!, Y[Y.length - 1]!) / dotp(Y[Y.length - 1]!, Y[Y.length - 1]!) : 1 / Math.max(gnorm, 1e-12);
    for (let j = 0; j < q.length; j++) q[j]! *= gamma;
    for (let i = 0; i < S.length; i++) {
      const b = rho[i]! * dotp(Y[i]!, q);
      for (let j = 0; j < q.length; j++) q[j]! += S[i]![j]! * (alpha[i]! - b);
    }
    const d = q.map((v) => -v);
    let slope = dotp(grad, d);
    if (slope >= 0) { // not a descent direction: restart from steepest descent
      S.length = 0; Y.length = 0; rho.length = 0;
      for (let j = 0; j < d.length; j++) d[j] = -grad[j]! / Math.max(gnorm, 1e-12);
      slope = dotp(grad, d);
    }
    let step = 1, next: { loss: number; grad: Float64Array } | undefined, xn = x;
    for (let ls = 0; ls < 30; ls++) {
      xn = x.map((v, j) => v + step * d[j]!);
      next = await f(xn);
      if (Number.isFinite(next.loss) && next.loss <= loss + 1e-4 * step * slope) break;
      step *= 0.5;
      next = undefined;
    }
    iter++;
    if (!next) break; // no decrease possible at machine precision
    const s = xn.map((v, j) => v - x[j]!), y = next.grad.map((v, j) => v - grad[j]!);
    const sy = dotp(s, y);
    if (sy > 1e-12) {
      S.push(s); Y.push(y); rho.push(1 / sy);
      if (S.length > m) { S.shift(); Y.shift(); rho.shift(); }
    }
    const improvement = (loss - next.loss) / Math.max(Math.abs(loss), Math.abs(next.loss), 1);
    x = xn; loss = next.loss; grad = next.grad;
    history.push(loss);
    if (improvement < opts.tol) break;
  }
  return { x, loss, iterations: iter, objectiveHistory: history };
}

/** Solve A x = b for a symmetric positive (semi)definite A (row-major n x n) by Cholesky; tiny ridge if singular. */
export function solveSpd(A: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let jitter = 0; jitter < 6; jitter++) {
    const eps = jitter === 0 ? 0 : 1e-12 * 10 ** (2 * jitter) * Math.max(1, ...Array.from({ length: n }, (_, i) => Math.abs(A[i * n + i]!)));
    const L = new Float64Array(n * n);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = A[i * n + j]! + (i === j ? eps : 0);
        for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
        if (i === j) { if (s <= 0) { ok = false; break; } L[i * n + i] = Math.sqrt(s); }
        else L[i * n + j] = s / L[j * n + j]!;
      }
    }
    if (!ok) continue;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) { let s = b[i]!; for (let k = 0; k < i; k++) s -= L[i * n + k]! * z[k]!; z[i] = s / L[i * n + i]!; }
    const x = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) { let s = z[i]!; for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!; x[i] = s / L[i * n + i]!; }
    return x;
  }
  throw new Error("the normal equations are singular");
}

/**
 * OWL-QN (Andrew & Gao 2007): L-BFGS for f(x) + sum_i l1[i] * |x_i|, as Breeze's OWLQN that Spark
 * uses for L1 / elastic-net penalties. Directions use the pseudo-gradient, steps are projected back
 * onto the orthant of the current point, and the line search tests the full objective.
 */
export async function owlqn(f: DiffFunction, x0: Float64Array, l1: Float64Array, opts: { maxIter: number; tol: number; m?: number }): Promise<LbfgsResult> {
  const m = opts.m ?? 10, n = x0.length;
  const l1norm = (x: Float64Array): number => { let s = 0; for (let i = 0; i < n; i++) s += l1[i]! * Math.abs(x[i]!); return s; };
  const pseudo = (x: Float64Array, g: Float64Array): Float64Array => g.map((gi, i) => {
    const c = l1[i]!;
    if (c === 0) return gi;
    if (x[i]! > 0) return gi + c;
    if (x[i]! < 0) return gi - c;
    if (gi + c < 0) return gi + c;
    if (gi - c > 0) return gi - c;
    return 0;
  });
  let x = Float64Array.from(x0);
  let { loss, grad } = await f(x);
  let obj = loss + l1norm(x);
  const history = [obj];
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  let iter = 0;
  while (iter < opts.maxIter) {
    const pg = pseudo(x, grad);
    const pgn = Math.sqrt(dotp(pg, pg));
    if (pgn <= opts.tol * Math.max(1, Math.abs(obj))) break;
    const q = Float64Array.from(pg), alpha: number[] = [];
    for (let i = S.length - 1; i >= 0; i--) { const a = rho[i]! * dotp(S[i]!, q); alpha[i] = a; for (let j = 0; j < n; j++) q[j]! -= a * Y[i]![j]!; }
    const gamma = S.length ? dotp(S[S.length - 1]!, Y[Y.length - 1]!) / dotp(Y[Y.length - 1]!, Y[Y.length - 1]!) : 1 / Math.max(pgn, 1e-12);
    for (let j = 0; j < n; j++) q[j]! *= gamma;
    for (let i = 0; i < S.length; i++) { const b = rho[i]! * dotp(Y[i]!, q); for (let j = 0; j < n; j++) q[j]! += S[i]![j]! * (alpha[i]! - b); }
    const d = q.map((v, j) => (v * pg[j]! > 0 ? -v : 0)); // keep the direction in the descent orthant of the pseudo-gradient
    const orthant = x.map((v, j) => (v !== 0 ? Math.sign(v) : Math.sign(-pg[j]!)));
    let step = 1, xn = x, next: { loss: number; grad: Float64Array } | undefined, objn = obj;
    for (let ls = 0; ls < 40; ls++) {
      xn = x.map((v, j) => { const t = v + step * d[j]!; return Math.sign(t) === orthant[j] ? t : 0; });
      next = await f(xn);
      objn = next.loss + l1norm(xn);
      let dec = 0;
      for (let j = 0; j < n; j++) dec += pg[j]! * (xn[j]! - x[j]!);
      if (Number.isFinite(objn) && objn <= obj + 1e-4 * dec) break;
      step *= 0.5;
      next = undefined;
    }
    iter++;
    if (!next) break;
    const s = xn.map((v, j) => v - x[j]!), y = next.grad.map((v, j) => v - grad[j]!);
    const sy = dotp(s, y);
    if (sy > 1e-12) { S.push(s); Y.push(y); rho.push(1 / sy); if (S.length > m) { S.shift(); Y.shift(); rho.shift(); } }
    const improvement = (obj - objn) / Math.max(Math.abs(obj), Math.abs(objn), 1);
    x = xn; loss = next.loss; grad = next.grad; obj = objn;
    history.push(obj);
    if (improvement < opts.tol) break;
  }
  return { x, loss: obj, iterations: iter, objectiveHistory: history };
}
