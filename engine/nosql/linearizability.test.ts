import { describe, expect, it } from "vitest";
import { checkLinearizable, type RegisterOp } from "./linearizability";

const w = (value: unknown, invoke: number, complete: number): RegisterOp => ({ kind: "write", value, invoke, complete });
const r = (value: unknown, invoke: number, complete: number): RegisterOp => ({ kind: "read", value, invoke, complete });

describe("checkLinearizable (one register)", () => {
  it("accepts sequential histories that read the latest write, and gives the order", () => {
    expect(checkLinearizable([w(1, 0, 1), r(1, 2, 3), w(2, 4, 5), r(2, 6, 7)])).toMatchObject({ ok: true, order: [0, 1, 2, 3] });
    expect(checkLinearizable([r(undefined, 0, 1), w(1, 2, 3)]).ok).toBe(true);
  });

  it("refuses a read of an old value after a write completed (a stale read), and says where", () => {
    const res = checkLinearizable([w(1, 0, 1), r(undefined, 2, 3)]);
    expect(res.ok).toBe(false);
    expect(res.explanation).toContain("read undefined");
    expect(checkLinearizable([w(1, 0, 1), w(2, 2, 3), r(1, 4, 5)]).ok).toBe(false);
  });

  it("lets a read overlapping a write return either value, but not the old one after another read saw the new one", () => {
    expect(checkLinearizable([w(1, 0, 10), r(1, 1, 2)]).ok).toBe(true);
    expect(checkLinearizable([w(1, 0, 10), r(undefined, 1, 2)]).ok).toBe(true);
    // New-old inversion: both reads overlap the write, but the second starts after the first ended.
    expect(checkLinearizable([w(1, 0, 10), r(1, 1, 3), r(undefined, 4, 6)]).ok).toBe(false);
    expect(checkLinearizable([w(1, 0, 10), r(undefined, 1, 3), r(1, 4, 6)]).ok).toBe(true);
  });

  it("a write whose outcome is unknown may or may not have happened", () => {
    expect(checkLinearizable([w(1, 0, Infinity), r(1, 5, 6)]).ok).toBe(true);
    expect(checkLinearizable([w(1, 0, Infinity), r(undefined, 5, 6)]).ok).toBe(true);
    expect(checkLinearizable([w(1, 0, Infinity), r(1, 5, 6), r(undefined, 7, 8)]).ok).toBe(false);
  });

  it("handles concurrent clients over a few hundred operations", () => {
    // A linearizable history by construction: each op takes effect at a random point inside its interval.
    let s = 7;
    const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
    const ops: Array<RegisterOp & { at: number }> = [];
    for (let i = 0; i < 300; i++) {
      const invoke = i * 3 + rnd() * 2, complete = invoke + 1 + rnd() * 8, at = invoke + (complete - invoke) * rnd();
      ops.push({ kind: rnd() < 0.4 ? "write" : "read", value: i, invoke, complete, at });
    }
    let value: unknown;
    for (const o of [...ops].sort((a, b) => a.at - b.at)) { if (o.kind === "write") value = o.value; else o.value = value; }
    expect(checkLinearizable(ops).ok).toBe(true);
    const bad = ops.map((o) => ({ ...o }));
    const lastRead = bad.map((o, i) => [o, i] as const).filter(([o]) => o.kind === "read").at(-1)![1];
    bad[lastRead]!.value = "never written";
    expect(checkLinearizable(bad).ok).toBe(false);
  });
});
