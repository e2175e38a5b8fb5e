import { describe, expect, it } from "vitest";
import { decode, encode } from "../common/codec";
import { DenseVector, SparseVector, Vectors } from "./linalg";
import { lbfgs, solveSpd } from "./optim";
import { murmur3 } from "./kernels";
import { LogisticRegression } from "./classification";

describe("vectors", () => {
  it("Spark's text, dense/sparse conversions, dot products and a typed error for a size mismatch", () => {
    const d = Vectors.dense(1, 0, 3), s = Vectors.sparse(3, { 2: 3, 0: 1 });
    expect(String(d)).toBe("[1.0,0.0,3.0]");
    expect(String(s)).toBe("(3,[0,2],[1.0,3.0])");
    expect(s.equals(d)).toBe(true);
    expect(d.dot(s)).toBe(10);
    expect(Array.from(s.toArray())).toEqual([1, 0, 3]);
    expect(String(d.toSparse())).toBe(String(s));
    expect(() => d.dot(Vectors.dense(1, 2))).toThrow(/Vector dimensions do not match/);
    expect(() => new SparseVector(2, [1, 0], [1, 1])).toThrow(/not strictly increasing/);
  });

  it("round-trip through the wire codec as vectors", () => {
    const back = decode<{ a: DenseVector; b: SparseVector }>(encode({ a: Vectors.dense(1.5, -2), b: Vectors.sparse(5, [1, 4], [2, 3]) }));
    expect(back.a).toBeInstanceOf(DenseVector);
    expect(back.b).toBeInstanceOf(SparseVector);
    expect(String(back.a)).toBe("[1.5,-2.0]");
    expect(String(back.b)).toBe("(5,[1,4],[2.0,3.0])");
  });
});

describe("optimisers", () => {
  it("L-BFGS finds the Rosenbrock minimum; Cholesky solves a SPD system", async () => {
    const res = await lbfgs(async (x) => {
      const [a, b] = [x[0]!, x[1]!];
      return { loss: (1 - a) ** 2 + 100 * (b - a * a) ** 2, grad: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]) };
    }, Float64Array.from([-1.2, 1]), { maxIter: 500, tol: 1e-14 });
    expect(res.x[0]).toBeCloseTo(1, 5);
    expect(res.x[1]).toBeCloseTo(1, 5);
    expect(res.objectiveHistory[res.objectiveHistory.length - 1]).toBeLessThan(res.objectiveHistory[0]!);
    const x = solveSpd(Float64Array.from([4, 1, 1, 3]), Float64Array.from([1, 2]), 2);
    expect(4 * x[0]! + x[1]!).toBeCloseTo(1, 12);
    expect(x[0]! + 3 * x[1]!).toBeCloseTo(2, 12);
  });
});

describe("hashing and params", () => {
  it("murmur3_x86_32 matches the reference vectors", () => {
    expect(murmur3("", 0)).toBe(0);
    expect(murmur3("hello", 0)).toBe(0x248bfa47 | 0);
    expect(murmur3("hello, world", 0)).toBe(0x149bbb7f | 0);
  });
  it("params: defaults, setters, copy with extra, unknown names", () => {
    const lr = new LogisticRegression().setMaxIter(7);
    expect(lr.getMaxIter()).toBe(7);
    expect(lr.isSet("maxIter") && !lr.isSet("regParam") && lr.isDefined("regParam")).toBe(true);
    expect(lr.extractParamMap().threshold).toBe(0.5);
    expect(lr.copy({ regParam: 1 }).getRegParam()).toBe(1);
    expect(lr.getRegParam()).toBe(0);
    expect(() => lr.set("nope", 1)).toThrow(/has no param 'nope'/);
  });
});
