// pyspark.ml.param: every stage has a uid and named params with defaults. Params are given as an
// options object (`new LogisticRegression({ maxIter: 10 })`) or with setters
// (`lr.setMaxIter(10)`), read with getters or getOrDefault, and listed by explainParams().

import { AnalysisError } from "../common/errors";

export interface ParamSpec { doc: string; default?: unknown }
export type ParamSpecs = Record<string, ParamSpec>;

let uidCounter = 0;
function newUid(prefix: string): string {
  uidCounter++;
  return `${prefix}_${(0x100000000 + ((uidCounter * 2654435761) >>> 0)).toString(16).slice(-8)}${uidCounter.toString(16).padStart(4, "0")}`;
}

/** A param of one stage (pyspark's Param): `lr.regParam` is { parent: lr.uid, name: "regParam" }. */
export interface Param { readonly parent: string; readonly name: string; readonly doc?: string }
export type ParamMap = Array<[Param, unknown]>;

/** setFoo / getFoo accessors and the Param objects for each param of P, as pyspark generates them. */
export type ParamAccessors<P, Self> =
  { readonly [K in keyof P & string]-?: Param } &
  { [K in keyof P & string as `set${Capitalize<K>}`]-?: (value: P[K]) => Self } &
  { [K in keyof P & string as `get${Capitalize<K>}`]-?: () => Exclude<P[K], undefined> };

/** Base of every stage: uid, params (set values over defaults), copy, explainParams. */
export abstract class Params {
  uid: string;
  protected readonly paramMap = new Map<string, unknown>();
  abstract readonly paramSpecs: ParamSpecs;

  constructor(prefix: string) { this.uid = newUid(prefix); }

  /** Set params from an options object (unknown names are an error naming the stage). */
  setParams(opts: Record<string, unknown> = {}): this {
    for (const [k, v] of Object.entries(opts)) if (v !== undefined) this.set(k, v);
    return this;
  }

  set(name: string, value: unknown): this {
    if (!(name in this.paramSpecs)) {
      throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.constructor.name} (${this.uid}) has no param '${name}'. Params: ${Object.keys(this.paramSpecs).join(", ")}.`);
    }
    this.paramMap.set(name, value);
    return this;
  }
  isSet(name: string): boolean { return this.paramMap.has(name); }
  isDefined(name: string): boolean { return this.paramMap.has(name) || this.paramSpecs[name]?.default !== undefined; }
  hasParam(name: string): boolean { return name in this.paramSpecs; }
  clear(name: string): this { this.paramMap.delete(name); return this; }

  getOrDefault<T = unknown>(name: string): T {
    if (this.paramMap.has(name)) return this.paramMap.get(name) as T;
    const spec = this.paramSpecs[name];
    if (!spec) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.constructor.name} has no param '${name}'.`);
    return spec.default as T;
  }
  /** Set and default values, keyed by param name (pyspark's extractParamMap). */
  extractParamMap(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(this.paramSpecs)) if (s.default !== undefined) out[k] = s.default;
    for (const [k, v] of this.paramMap) out[k] = v;
    return { ...out, ...extra };
  }
  explainParam(name: string): string {
    const s = this.paramSpecs[name]!;
    const parts: string[] = [];
    if (s.default !== undefined) parts.push(`default: ${JSON.stringify(s.default)}`);
    if (this.paramMap.has(name)) parts.push(`current: ${JSON.stringify(this.paramMap.get(name))}`);
    return `${name}: ${s.doc}${parts.length ? ` (${parts.join(", ")})` : ""}`;
  }
  explainParams(): string { return Object.keys(this.paramSpecs).map((n) => this.explainParam(n)).join("\n"); }

  /** A copy with the same uid and params, plus `extra` (pyspark's copy(extra)). */
  copy(extra: Record<string, unknown> = {}): this {
    const c = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(c, this);
    (c as unknown as { paramMap: Map<string, unknown> }).paramMap = new Map(this.paramMap);
    c.setParams(extra);
    return c;
  }

  /** Give `to` (the model an estimator fits) this stage's uid and param values, as Spark's copyValues. */
  protected copyValues<T extends Params>(to: T): T {
    to.setParams(this.paramValues());
    to.uid = this.uid;
    return to;
  }

  /** Param values as a plain object (saved as Spark's metadata paramMap). */
  paramValues(): Record<string, unknown> { return Object.fromEntries(this.paramMap); }
}

/** Define setX/getX on a class prototype for each param name. */
export function installAccessors(cls: { prototype: object }, names: string[]): void {
  for (const n of names) {
    const cap = n[0]!.toUpperCase() + n.slice(1);
    Object.defineProperty(cls.prototype, `set${cap}`, { value(this: Params, v: unknown) { return this.set(n, v); }, configurable: true, writable: true });
    Object.defineProperty(cls.prototype, `get${cap}`, { value(this: Params) { return this.getOrDefault(n); }, configurable: true, writable: true });
    Object.defineProperty(cls.prototype, n, { get(this: Params): Param { return { parent: this.uid, name: n, doc: this.paramSpecs[n]?.doc }; }, configurable: true });
  }
}

/** Shared param docs (pyspark.ml.param.shared). */
export const P = {
  inputCol: { doc: "input column name." },
  outputCol: { doc: "output column name." },
  inputCols: { doc: "input column names." },
  outputCols: { doc: "output column names." },
  featuresCol: (d = "features") => ({ doc: "features column name.", default: d }),
  labelCol: (d = "label") => ({ doc: "label column name.", default: d }),
  predictionCol: (d = "prediction") => ({ doc: "prediction column name.", default: d }),
  probabilityCol: { doc: "Column name for predicted class conditional probabilities.", default: "probability" },
  rawPredictionCol: { doc: "raw prediction (a.k.a. confidence) column name.", default: "rawPrediction" },
  maxIter: (d = 100) => ({ doc: "max number of iterations (>= 0).", default: d }),
  tol: (d = 1e-6) => ({ doc: "the convergence tolerance for iterative algorithms (>= 0).", default: d }),
  regParam: { doc: "regularization parameter (>= 0).", default: 0 },
  elasticNetParam: { doc: "the ElasticNet mixing parameter, in range [0, 1]. For alpha = 0, the penalty is an L2 penalty. For alpha = 1, it is an L1 penalty.", default: 0 },
  fitIntercept: { doc: "whether to fit an intercept term.", default: true },
  standardization: { doc: "whether to standardize the training features before fitting the model.", default: true },
  seed: { doc: "random seed.", default: 42 },
  weightCol: { doc: "weight column name. If this is not set or empty, we treat all instance weights as 1.0." },
  handleInvalid: (d: string, doc: string) => ({ doc, default: d }),
  aggregationDepth: { doc: "suggested depth for treeAggregate (>= 2).", default: 2 },
};
