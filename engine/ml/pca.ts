// pyspark.ml.feature.PCA: the top-k principal components of a vector column, as Spark's
// RowMatrix.computePrincipalComponentsAndExplainedVariance: the sample covariance from one
// treeAggregate pass on the workers (count, sums, Σ x xᵀ), then a symmetric eigendecomposition on
// the driver (cyclic Jacobi rotations). The model projects x to pcᵀ x without centring, as Spark.

import { AnalysisError } from "../common/errors";
import { VectorUDT, type DataFrame, type StructType } from "../sql";
import { Estimator, Model, appendColumns, appendFields, outputName, requireType, rowObjects } from "./base";
import { installAccessors, P, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";
import { DenseVector } from "./linalg";
import type { GramStats } from "./aggregators";

/** Eigenvalues (descending) and unit eigenvectors (columns) of a symmetric matrix, by cyclic Jacobi. */
export function symmetricEigen(m: number[][]): { values: number[]; vectors: number[][] } {
  const n = m.length;
  const a = m.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i]![j]! * a[i]![j]!;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = a[p]![q]!;
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) {
        const akp = a[k]![p]!, akq = a[k]![q]!;
        a[k]![p] = c * akp - s * akq; a[k]![q] = s * akp + c * akq;
      }
      for (let k = 0; k < n; k++) {
        const apk = a[p]![k]!, aqk = a[q]![k]!;
        a[p]![k] = c * apk - s * aqk; a[q]![k] = s * apk + c * aqk;
      }
      for (let k = 0; k < n; k++) {
        const vkp = v[k]![p]!, vkq = v[k]![q]!;
        v[k]![p] = c * vkp - s * vkq; v[k]![q] = s * vkp + c * vkq;
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y]![y]! - a[x]![x]!);
  return { values: order.map((i) => a[i]![i]!), vectors: v.map((row) => order.map((i) => row[i]!)) };
}

interface PCAParams { inputCol?: string; outputCol?: string; k?: number }

export interface PCA extends ParamAccessors<PCAParams, PCA> {}
export class PCA extends Estimator<PCAModel> {
  readonly paramSpecs: ParamSpecs = { inputCol: P.inputCol, outputCol: P.outputCol, k: { doc: "the number of principal components (> 0)" } };
  constructor(opts: PCAParams = {}) { super("PCA"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected async fitImpl(df: DataFrame): Promise<PCAModel> {
    this.transformSchema(df.schema);
    const stage = this.stageName, col = this.getOrDefault<string>("inputCol"), k = this.getOrDefault<number>("k");
    if (!Number.isInteger(k) || k < 1) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: k must be an integer > 0 (got ${String(k)}).`);
    const s = await treeAggregate<GramStats | null>(await rowObjects(df, [col]), "gram", { col, stage });
    if (!s || s.n < 2) throw new AnalysisError("ML_EMPTY_INPUT", `${stage}: PCA needs at least two rows (got ${s?.n ?? 0}).`);
    const d = s.sum.length;
    if (k > d) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: k = ${k} must be at most the number of features, ${d}.`);
    const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    let t = 0;
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) {
      const c = (s.gram[t++]! - (s.sum[i]! * s.sum[j]!) / s.n) / (s.n - 1);
      cov[i]![j] = c; cov[j]![i] = c;
    }
    const { values, vectors } = symmetricEigen(cov);
    const total = values.reduce((a, b) => a + Math.max(0, b), 0);
    return this.copyValues(new PCAModel(vectors.map((row) => row.slice(0, k)), values.slice(0, k).map((x) => (total > 0 ? Math.max(0, x) / total : 0))));
  }
}
installAccessors(PCA, ["inputCol", "outputCol", "k"]);

export interface PCAModel extends ParamAccessors<PCAParams, PCAModel> {}
export class PCAModel extends Model {
  readonly paramSpecs: ParamSpecs = new PCA().paramSpecs;
  /** `pcRows` is the d x k matrix of components (column j = component j). */
  constructor(readonly pcRows: number[][], readonly explainedVarianceValues: number[]) { super("PCAModel"); }
  /** The components as rows of a d x k matrix (Spark's `pc` is a DenseMatrix with them as columns). */
  get pc(): number[][] { return this.pcRows.map((r) => [...r]); }
  get explainedVariance(): DenseVector { return new DenseVector(this.explainedVarianceValues); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    return appendColumns(df, { kind: "pca", stage: this.stageName, input: this.getOrDefault<string>("inputCol"), pc: this.pcRows }, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
}
installAccessors(PCAModel, ["inputCol", "outputCol", "k"]);
