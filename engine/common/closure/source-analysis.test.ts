import { describe, expect, it } from "vitest";
import { analyzeSource, warmSourceAnalysis } from "./source-analysis";

const free = (src: string) => analyzeSource(src).free;

describe("free variable analysis", () => {
  it("arrows, functions, methods, classes", () => {
    expect(free("x => x * k")).toEqual(["k"]);
    expect(analyzeSource("x => x").form).toBe("expr");
    expect(free("function f(a) { return f(a) + b; }")).toEqual(["b"]);
    expect(analyzeSource("m(x) { return x + y; }").form).toBe("method");
    expect(free("m(x) { return x + y; }")).toEqual(["y"]);
    expect(free("async *gen() { yield await q; }")).toEqual(["q"]);
    expect(free("get size() { return this.n + z; }")).toEqual(["z"]);
    expect(free("[Symbol.iterator]() { return it; }")).toEqual(["Symbol", "it"]);
    expect(free("class A extends B { static s = C; m() { return new A(D); } }")).toEqual(["B", "C", "D"]);
  });

  it("declarations: hoisting, block scope, destructuring, catch, labels", () => {
    expect(free("() => { g(); function g() { return v; } }")).toEqual(["v"]);
    expect(free("() => { var a = 1; { let b = a; } return b; }")).toEqual(["b"]);
    expect(free("({ a, b: [c = d], ...rest }, [e, , f] = g) => a + c + e + f + rest")).toEqual(["d", "g"]);
    expect(free("() => { for (let i = 0; i < n; i++) {} for (const k of ks) use(k); }")).toEqual(["n", "ks", "use"]);
    expect(free("() => { try { x(); } catch ({ message }) { log(message); } }")).toEqual(["x", "log"]);
    expect(free("() => { outer: for (;;) { break outer; } }")).toEqual([]);
    expect(free("function () { return arguments.length + argumentz; }")).toEqual(["argumentz"]);
    expect(free("() => { const f = function inner() { return inner; }; return f; }")).toEqual([]);
  });

  it("property names are not references; shorthand properties and computed keys are", () => {
    expect(free("() => ({ a: 1, b, [c]: 2, d() {} }).e.f")).toEqual(["b", "c"]);
    expect(free("() => o?.p[q]")).toEqual(["o", "q"]);
  });

  it("strings, templates, regexes and comments are not identifiers", () => {
    expect(free("() => 'a b' + `t ${u} v` + /w x/.source // y z\n")).toEqual(["u"]);
  });

  it("member accesses of free names (tslab exports, module namespaces)", () => {
    const a = analyzeSource("x => exports.rate * x + exports['names'].length + ns.f(x)");
    expect(a.members.get("exports")).toEqual(["rate", "names"]);
    expect(a.members.get("ns")).toEqual(["f"]);
    expect(a.wholeUse.has("exports")).toBe(false);
    expect(analyzeSource("() => use(exports)").wholeUse.has("exports")).toBe(true);
  });

  it("arrows that use an outer `this` are flagged; functions and classes bind their own", () => {
    expect(analyzeSource("x => x * this.k").usesOuterThis).toBe(true);
    expect(analyzeSource("x => () => super.m()").usesOuterThis).toBe(true);
    expect(analyzeSource("x => function () { return this; }").usesOuterThis).toBeUndefined();
    expect(analyzeSource("x => class { m() { return this; } f = this; }").usesOuterThis).toBeUndefined();
    expect(analyzeSource("function f() { return () => this; }").usesOuterThis).toBeUndefined();
    expect(analyzeSource("m() { return this.x; }").usesOuterThis).toBeUndefined();
  });

  it("extends clauses: identifier by name, other expressions by position", () => {
    expect(analyzeSource("class A extends Base {}").heritage).toEqual({ name: "Base" });
    const src = "class A extends mix(Base, Other) {}";
    const h = analyzeSource(src).heritage as { start: number; end: number };
    expect(src.slice(h.start, h.end)).toBe("mix(Base, Other)");
  });

  it("the driver's warm-up parses its sample (modern syntax included)", () => {
    expect(() => warmSourceAnalysis()).not.toThrow();
  });
});
