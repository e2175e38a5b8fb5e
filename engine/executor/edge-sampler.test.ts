import { describe, expect, it } from "vitest";
import { recordText } from "./edge-sampler";

// What recordText printed before it cut long arrays and strings before writing them: the whole
// record as JSON, then cut at 100 characters.
function wholeThenCut(x: unknown): string {
  let t: string;
  try {
    t = JSON.stringify(x, (_k, v: unknown) => {
      if (typeof v === "bigint") return `${v}n`;
      if (v instanceof Map) return Object.fromEntries(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    }) ?? String(x);
  } catch {
    t = String(x);
  }
  return t.length > 100 ? `${t.slice(0, 99)}…` : t;
}

describe("recordText", () => {
  const big = Array.from({ length: 5000 }, (_, i) => i);
  const cases: unknown[] = [
    [1, "a"], ["k", { a: 1, b: [1n, new Date(0)] }], [0, big], [3, { cols: [new Float64Array(big), new Int32Array(big)], ids: big }],
    ["x".repeat(500), 1], [1, `"quoted"\\n${"é".repeat(300)}`], [[big, big], [new Uint8Array(300)]], [7, new Map([[1, big]])],
    [undefined, null], Symbol("s"), [2, [undefined, () => 1, NaN, Infinity]], [1, "short"], [[1, 2, 3], { nested: { deep: ["y".repeat(120)] } }],
  ];
  it("is the record's JSON cut at 100 characters, as if written whole", () => {
    for (const c of cases) expect(recordText(c)).toBe(wholeThenCut(c));
  });
  it("keeps short records whole", () => {
    expect(recordText([1, "a"])).toBe('[1,"a"]');
    expect(recordText([0, big]).length).toBe(100);
  });
});
