// Spark ML's MinHashLSH (org.apache.spark.ml.feature.MinHashLSH) on DataFrames: the estimator
// draws numHashTables (a, b) pairs with Java's Random(seed) exactly as Spark does, so the same
// seed gives the same hashes as PySpark; the model appends the hashes (one 1-element vector per
// table) and answers approxSimilarityJoin (pairs from both sides that share a bucket in any table,
// with their exact Jaccard distance below a threshold) and approxNearestNeighbors (single probe:
// the rows sharing a bucket with the key, nearest first). All of it runs as DataFrame jobs.

import { AnalysisError } from "../common/errors";
import { ArrayType, DoubleType, F, VectorUDT, type DataFrame, type StructType } from "../sql";
import { Estimator, Model, appendColumns, appendFields, outputName, requireType } from "./base";
import { installAccessors, P, type ParamAccessors, type ParamSpecs } from "./params";
import type { Vector } from "./linalg";
import { MINHASH_PRIME, jaccardDistance, minHashes, nonZeroIndices } from "./lsh-kernels";

interface MinHashLSHParams { inputCol?: string; outputCol?: string; numHashTables?: number; seed?: number }
const PARAMS = ["inputCol", "outputCol", "numHashTables", "seed"];

/** Java's String.hashCode: Scala's default seed is the class name's hash. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** java.util.Random(seed).nextInt(bound) as a sequence (the generator scala.util.Random wraps). */
export function javaRandomInts(seed: number, bound: number, count: number): number[] {
  const MASK = (1n << 48n) - 1n;
  let s = (BigInt.asUintN(64, BigInt(seed)) ^ 0x5deece66dn) & MASK;
  const next = (bits: number): number => {
    s = (s * 0x5deece66dn + 0xbn) & MASK;
    return Number(BigInt.asIntN(32, s >> BigInt(48 - bits)));
  };
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    if ((bound & -bound) === bound) { out.push(Number((BigInt(bound) * BigInt(next(31))) >> 31n)); continue; }
    let bits: number, val: number;
    do { bits = next(31); val = bits % bound; } while (bits - val + (bound - 1) > 0x7fffffff);
    out.push(val);
  }
  return out;
}

function specs(): ParamSpecs {
  return {
    inputCol: P.inputCol, outputCol: P.outputCol,
    numHashTables: { doc: "number of hash tables, where increasing number of hash tables lowers the false negative rate, and decreasing it improves the running performance.", default: 1 },
    seed: { doc: "random seed.", default: javaStringHash("org.apache.spark.ml.feature.MinHashLSH") },
  };
}

export interface MinHashLSH extends ParamAccessors<MinHashLSHParams, MinHashLSH> {}
export class MinHashLSH extends Estimator<MinHashLSHModel> {
  readonly paramSpecs: ParamSpecs = specs();
  constructor(opts: MinHashLSHParams = {}) { super("MinHashLSH"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: ArrayType(VectorUDT), nullable: true }]);
  }
  protected async fitImpl(_df: DataFrame): Promise<MinHashLSHModel> {
    const n = this.getOrDefault<number>("numHashTables");
    if (!Number.isInteger(n) || n < 1) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: numHashTables must be an integer >= 1 (got ${n}).`);
    // Spark: Array.fill(numHashTables) { (1 + rand.nextInt(HASH_PRIME - 1), rand.nextInt(HASH_PRIME - 1)) }
    const ints = javaRandomInts(this.getOrDefault<number>("seed"), MINHASH_PRIME - 1, 2 * n);
    const coefs: Array<[number, number]> = Array.from({ length: n }, (_, k) => [1 + ints[2 * k]!, ints[2 * k + 1]!]);
    return this.copyValues(new MinHashLSHModel(coefs));
  }
}
installAccessors(MinHashLSH, PARAMS);

export interface MinHashLSHModel extends ParamAccessors<MinHashLSHParams, MinHashLSHModel> {}
export class MinHashLSHModel extends Model {
  readonly paramSpecs: ParamSpecs = specs();
  /** The (a, b) of each hash table (Spark's randCoefficients). */
  constructor(readonly randCoefficients: Array<[number, number]>) { super("MinHashLSHModel"); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: ArrayType(VectorUDT), nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    return appendColumns(df, this.kernel(), [{ name: outputName(this), dataType: ArrayType(VectorUDT), nullable: true }]);
  }
  private kernel(plain = false) {
    return { kind: "minHashLSH", stage: this.stageName, input: this.getOrDefault<string>("inputCol"), coefs: this.randCoefficients, plain };
  }
  /** The hashes of one vector, as the model's output column holds them (numbers here). */
  hashesOf(v: Vector): number[] {
    const idx = nonZeroIndices(v);
    if (idx.length === 0) throw new AnalysisError("ML_INVALID_INPUT", `${this.stageName}: requirement failed: Must have at least 1 non zero entry.`);
    return minHashes(idx, this.randCoefficients);
  }
  private hashed(df: DataFrame): DataFrame {
    const out = outputName(this);
    return df.columns.includes(out) ? df : this.transform(df);
  }

  /**
   * Pairs (datasetA, datasetB) whose Jaccard distance is below `threshold`, found through shared
   * buckets (approximate: a pair that shares no bucket in any table is missed), with the distance
   * in `distCol`. The sides are structs of each input row (with the hashes column).
   */
  approxSimilarityJoin(datasetA: DataFrame, datasetB: DataFrame, threshold: number, distCol = "distCol"): DataFrame {
    const input = this.getOrDefault<string>("inputCol");
    const a = this.hashed(datasetA), b = this.hashed(datasetB);
    const side = (df: DataFrame, name: string, tag: string) => {
      // the row id first, so every bucket row exploded from one input row carries the same id
      const withPlain = appendColumns(df, this.kernel(true), [{ name: `__${tag}_h`, dataType: ArrayType(DoubleType), nullable: true }])
        .withColumn(`__${tag}_id`, F.monotonically_increasing_id());
      return withPlain.select(
        F.struct(...df.columns.map((c) => F.col(c))).alias(name),
        F.col(`__${tag}_id`),
        F.col(input).alias(`__${tag}_v`),
        F.posexplode(F.col(`__${tag}_h`)).alias(`__${tag}_entry`, `__${tag}_hash`),
      );
    };
    const ea = side(a, "datasetA", "a"), eb = side(b, "datasetB", "b");
    const pairs = ea.join(eb, F.col("__a_entry").equalTo(F.col("__b_entry")).and(F.col("__a_hash").equalTo(F.col("__b_hash"))))
      .dropDuplicates(["__a_id", "__b_id"]);
    const withDist = appendColumns(pairs, { kind: "jaccardDistance", stage: this.stageName, left: "__a_v", right: "__b_v" }, [{ name: distCol, dataType: DoubleType, nullable: false }]);
    return withDist.filter(F.col(distCol).lt(threshold)).select("datasetA", "datasetB", distCol);
  }

  /**
   * The `numNearestNeighbors` rows of `dataset` nearest to `key` (Jaccard distance in `distCol`),
   * among the rows that share a bucket with the key in some table (Spark's single probe): fewer
   * rows come back when fewer share a bucket.
   */
  approxNearestNeighbors(dataset: DataFrame, key: Vector, numNearestNeighbors: number, distCol = "distCol"): DataFrame {
    const input = this.getOrDefault<string>("inputCol"), out = outputName(this);
    const keyHashes = this.hashesOf(key);
    const hashed = this.hashed(dataset);
    const plain = appendColumns(hashed, this.kernel(true), [{ name: "__h", dataType: ArrayType(DoubleType), nullable: true }]);
    const same = keyHashes.map((h, k) => F.element_at(F.col("__h"), k + 1).equalTo(h)).reduce((x, y) => x.or(y));
    // the key as plain data: kernel specs travel inside the UDF's closure, which holds no class instances
    const near = appendColumns(plain.filter(same), { kind: "jaccardToKey", stage: this.stageName, input, keyIndices: nonZeroIndices(key) }, [{ name: distCol, dataType: DoubleType, nullable: false }]);
    return near.drop("__h").orderBy(F.col(distCol)).limit(numNearestNeighbors).select(...hashed.columns.filter((c) => c !== out), out, distCol);
  }
}
installAccessors(MinHashLSHModel, PARAMS);

export { jaccardDistance };
