import { EventEmitter } from "node:events";
import * as net from "node:net";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { decode, encode } from "../codec";
import { WorkbenchError } from "../errors";
import {
  SHIP, UNSHIPPABLE, deserializeFunction, partial, registerShipResolver, registerShippable, serializeFunction,
  type SerializedFunction,
} from "./index";

/** Serialize, push through the real codec, rebuild. */
function ship<F extends Function>(f: F, what = "map"): F {
  const s = serializeFunction(f, what);
  return deserializeFunction<F>(decode<SerializedFunction>(encode(s)));
}

function refusal(f: Function, what = "map"): WorkbenchError {
  try {
    serializeFunction(f, what);
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    return e as WorkbenchError;
  }
  throw new Error("expected serializeFunction to refuse");
}

// Module-level values, the way a driver program or notebook holds them.
const factor = 7;
let counter = 1;
const lookup = new Map<string, number>([["a", 1], ["b", 2]]);

describe("function kinds", () => {
  it("arrow functions with and without captures", () => {
    expect(ship((x: number) => x * 2)(21)).toBe(42);
    expect(ship((x: number) => x * factor)(3)).toBe(21);
  });

  it("function expressions and declarations", () => {
    const fe = function (x: number) { return x + factor; };
    function decl(x: number) { return x - factor; }
    expect(ship(fe)(1)).toBe(8);
    expect(ship(decl)(10)).toBe(3);
  });

  it("async and generator functions", async () => {
    const af = async (x: number) => x * factor;
    expect(await ship(af)(2)).toBe(14);
    function* gen(n: number) { for (let i = 0; i < n; i++) yield i * factor; }
    expect([...ship(gen)(3)]).toEqual([0, 7, 14]);
    async function* agen(n: number) { for (let i = 0; i < n; i++) yield i; }
    const out: number[] = [];
    for await (const v of ship(agen)(3)) out.push(v);
    expect(out).toEqual([0, 1, 2]);
  });

  it("object methods, including async/generator/computed-name methods", async () => {
    const o = {
      f(x: number) { return x + factor; },
      async g(x: number) { return x * 2; },
      *h() { yield factor; },
      ["comp" + "uted"](x: number) { return -x; },
    };
    expect(ship(o.f)(1)).toBe(8);
    expect(await ship(o.g)(4)).toBe(8);
    expect([...ship(o.h)()]).toEqual([7]);
    expect(ship((o as unknown as Record<string, (x: number) => number>).computed!)(5)).toBe(-5);
  });

  it("class static and instance methods", () => {
    class K {
      static twice(x: number) { return 2 * x; }
      scale(x: number) { return x * factor; }
    }
    expect(ship(K.twice)(4)).toBe(8);
    expect(ship(K.prototype.scale)(2)).toBe(14);
  });

  it("bound functions keep target, this and bound arguments", () => {
    const self = { base: 100 };
    function add(this: { base: number }, a: number, b: number) { return this.base + a + b; }
    const b = add.bind(self, 5);
    expect(ship(b)(1)).toBe(106);
    const bb = ship(b.bind(null, 2));
    expect(bb()).toBe(107);
  });

  it("native functions passed directly ship as global names", () => {
    const max = ship(Math.max);
    expect([3, 9, 4].reduce((a, b) => max(a, b))).toBe(9);
    expect([1, 2].map(ship(String))).toEqual(["1", "2"]);
    expect(["1.5", "2"].map(ship(parseFloat))).toEqual([1.5, 2]);
    expect(ship(JSON.stringify)({ a: 1 })).toBe('{"a":1}');
    const s = serializeFunction(Math.max);
    expect(s.nodes).toEqual([{ k: "global", path: "Math.max" }]);
    expect(ship(Array.prototype.join).call([1, 2], "-")).toBe("1-2");
  });

  it("builtin-module functions ship by name, never by content", () => {
    const j = ship((a: string, b: string) => path.join(a, b));
    expect(j("x", "y")).toBe(path.join("x", "y"));
    const s = serializeFunction(path.join);
    expect(s.nodes).toEqual([{ k: "builtin", module: "path", name: "join" }]);
  });

  it("refuses a native function that has no global name", () => {
    const sizeGetter = Object.getOwnPropertyDescriptor(Map.prototype, "size")!.get!;
    const e = refusal(sizeGetter);
    expect(e.condition).toBe("CLOSURE_NOT_SERIALIZABLE");
    expect(e.message).toContain("the function passed to map is a native function");
    const e2 = refusal(() => sizeGetter);
    expect(e2.message).toContain("variable 'sizeGetter' (a native function");
  });
});

describe("captured values", () => {
  it("primitives including bigint, undefined, NaN, -0, Infinity", () => {
    const big = 2n ** 80n, u = undefined, nan = NaN, nz = -0, inf = -Infinity, s = "str", t = true, nul = null;
    const r = ship(() => [big, u, nan, nz, inf, s, t, nul])();
    expect(r).toEqual([big, undefined, NaN, -0, -Infinity, "str", true, null]);
    expect(Object.is(r[3], -0)).toBe(true);
  });

  it("arrays, plain objects, Map, Set, Date, RegExp", () => {
    const arr = [1, [2, 3], { x: "y" }];
    const obj = { a: 1, nested: { list: [1, 2] }, "weird key": true };
    const set = new Set(["p", "q"]);
    const d = new Date(1_700_000_000_000);
    const re = /ab+c/gi;
    const r = ship(() => ({ arr, obj, lookup, set, d, re, nul: Object.create(null) as object }))();
    expect(r.arr).toEqual(arr);
    expect(r.obj).toEqual(obj);
    expect(r.lookup).toBeInstanceOf(Map);
    expect([...r.lookup]).toEqual([["a", 1], ["b", 2]]);
    expect(r.set).toBeInstanceOf(Set);
    expect([...r.set]).toEqual(["p", "q"]);
    expect(r.d).toBeInstanceOf(Date);
    expect(r.d.getTime()).toBe(d.getTime());
    expect(r.re).toBeInstanceOf(RegExp);
    expect(r.re.source).toBe("ab+c");
    expect(r.re.flags).toBe("gi");
    expect(Object.getPrototypeOf(r.nul)).toBe(null);
  });

  it("typed arrays, Buffer, DataView, ArrayBuffer (copies of the viewed bytes)", () => {
    const backing = new Float64Array([0, 1.5, 2.5, 0]);
    const view = new Float64Array(backing.buffer, 8, 2);
    const buf = Buffer.from("héllo");
    const i32 = new Int32Array([-1, 7]);
    const dv = new DataView(new Uint8Array([1, 2, 3]).buffer);
    const ab = new Uint8Array([9, 8]).buffer;
    const big64 = new BigInt64Array([5n, -5n]);
    const r = ship(() => ({ view, buf, i32, dv, ab, big64 }))();
    expect(r.view).toBeInstanceOf(Float64Array);
    expect([...r.view]).toEqual([1.5, 2.5]);
    expect(Buffer.isBuffer(r.buf)).toBe(true);
    expect(r.buf.toString()).toBe("héllo");
    expect([...r.i32]).toEqual([-1, 7]);
    expect(r.dv.getUint8(2)).toBe(3);
    expect([...new Uint8Array(r.ab)]).toEqual([9, 8]);
    expect([...r.big64]).toEqual([5n, -5n]);
  });

  it("shared references and cycles among captured objects survive once", () => {
    const shared = { v: 1 };
    const a: { self?: unknown; s: typeof shared } = { s: shared };
    a.self = a;
    const pair = [shared, shared];
    const r = ship(() => ({ a, pair }))();
    expect(r.a.self).toBe(r.a);
    expect(r.pair[0]).toBe(r.pair[1]);
    expect(r.a.s).toBe(r.pair[0]);
  });

  it("nested functions with their own closures", () => {
    const offset = 5;
    const addOffset = (x: number) => x + offset;
    const make = (k: number) => (x: number) => addOffset(x) * k;
    const times3 = make(3);
    expect(ship((x: number) => times3(x) + factor)(1)).toBe(25);
  });

  it("recursive and mutually recursive functions", () => {
    const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
    function fact(n: number): number { return n <= 1 ? 1 : n * fact(n - 1); }
    const isEven = (n: number): boolean => (n === 0 ? true : isOdd(n - 1));
    const isOdd = (n: number): boolean => (n === 0 ? false : isEven(n - 1));
    expect(ship(fib)(15)).toBe(610);
    expect(ship(fact)(6)).toBe(720);
    expect(ship((n: number) => [isEven(n), isOdd(n)])(7)).toEqual([false, true]);
  });

  it("class instances come back with their class, methods and inheritance", () => {
    class Shape { constructor(public name: string) {} describe() { return `${this.name}:${this.area()}`; } area() { return 0; } }
    class Rect extends Shape {
      static unit = "cm";
      constructor(public w: number, public h: number) { super("rect"); }
      override area() { return this.w * this.h * factor; }
    }
    const r = new Rect(2, 3);
    const back = ship(() => r)();
    expect(back.describe()).toBe("rect:42");
    const ShippedShape = Object.getPrototypeOf(back.constructor) as Function;
    expect(ShippedShape.name).toBe("Shape");
    expect(back).toBeInstanceOf(ShippedShape);
    expect(back).not.toBeInstanceOf(Shape); // a rebuilt copy, as on a worker
    expect(back.constructor.name).toBe("Rect");
    expect((back.constructor as typeof Rect).unit).toBe("cm");
    const twoShapes = ship(() => [new Rect(1, 1), r])();
    expect(Object.getPrototypeOf(twoShapes[0])).toBe(Object.getPrototypeOf(twoShapes[1]));
  });

  it("classes whose static initializers and extends clauses need captured values at definition", () => {
    const sizes = { base: 10 };
    const withTag = <T extends new (...a: any[]) => object>(B: T) => class extends B { tag() { return "tagged"; } };
    class Base { size() { return Sizes.base; } }
    const Sizes = sizes;
    class Sized extends withTag(Base) { static start = sizes.base * 2; }
    const inst = new Sized();
    const back = ship(() => [inst, Sized.start])();
    const [b, start] = back as [Sized, number];
    expect(start).toBe(20);
    expect((b.constructor as typeof Sized).start).toBe(20);
    expect(b.tag()).toBe("tagged");
    expect(b.size()).toBe(10);
  });

  it("ES5-style constructors keep prototype members", () => {
    function Point(this: { x: number; y: number }, x: number, y: number) { this.x = x; this.y = y; }
    Point.prototype.norm1 = function (this: { x: number; y: number }) { return Math.abs(this.x) + Math.abs(this.y); };
    const p = new (Point as unknown as new (x: number, y: number) => { norm1(): number })(3, -4);
    expect(ship(() => p.norm1())()).toBe(7);
  });

  it("globals are not captured", () => {
    const s = serializeFunction((x: number) => Math.max(x, JSON.stringify([x]).length) + Number(Buffer.byteLength("ab")));
    expect(s.nodes).toHaveLength(1);
    expect((s.nodes[0] as { names: string[] }).names).toEqual([]);
  });

  it("only variables the function uses are captured, not the whole scope", () => {
    const used = 1;
    const sock = new net.Socket(); // in the same scope, used by another closure only
    const other = () => sock;
    const s = serializeFunction((x: number) => x + used);
    expect((s.nodes[0] as { names: string[] }).names).toEqual(["used"]);
    sock.destroy();
    void other;
  });

  it("local declarations, parameters and properties are not mistaken for captures", () => {
    const x = "outer-x", y = "outer-y", lbl = "outer-label";
    const f = ({ x }: { x: number }, [y]: number[]) => {
      const o = { lbl: 1, y };
      lbl: for (const k of [1]) { if (k) break lbl; }
      try { throw new Error("e"); } catch (err) { void err; }
      return x + y + o.lbl + lookup.size;
    };
    const s = serializeFunction(f);
    expect((s.nodes[0] as { names: string[] }).names).toEqual(["lookup"]);
    expect(ship(f)({ x: 1 }, [2])).toBe(6);
    void [x, y, lbl];
  });

  it("captures are snapshots: later mutation on the driver does not change a shipped copy", () => {
    const box = { n: 1 };
    const f = () => box.n + counter;
    const s = serializeFunction(f);
    box.n = 100;
    counter = 50;
    expect(deserializeFunction<typeof f>(decode(encode(s)))()).toBe(2);
    expect(ship(f)()).toBe(150);
    counter = 1;
  });

  it("each rebuild gets fresh captured values (tasks do not share state)", () => {
    const acc: number[] = [];
    const s = serializeFunction((x: number) => { acc.push(x); return acc.length; });
    const f1 = deserializeFunction<(x: number) => number>(s);
    const f2 = deserializeFunction<(x: number) => number>(s);
    expect(f1(1)).toBe(1);
    expect(f1(2)).toBe(2);
    expect(f2(3)).toBe(1);
    expect(acc).toEqual([]);
  });

  it("a function with own properties keeps them", () => {
    const memo = Object.assign((x: number) => x, { label: "identity", table: [1, 2] });
    const back = ship(memo);
    expect(back.label).toBe("identity");
    expect(back.table).toEqual([1, 2]);
  });
});

describe("tslab notebook shape", () => {
  it("captures only the exports.NAME properties the source uses", () => {
    // What tslab produces: a later cell's function refers to earlier cells' variables as exports.NAME.
    const sock = new net.Socket();
    const cell = (exports: Record<string, unknown>) => {
      exports.rate = 3;
      exports.names = ["a", "b"];
      exports.sock = sock; // unrelated, unshippable: must not be touched
      exports.huge = new Array(10_000).fill(0);
      return (x: number) => (exports.rate as number) * x + (exports["names"] as string[]).length;
    };
    const f = cell({});
    const s = serializeFunction(f, "map");
    const exportsNode = s.nodes[(s.nodes[0] as { vals: number[] }).vals[0]!] as { keys: string[] };
    expect(exportsNode.keys).toEqual(["rate", "names"]);
    expect(ship(f)(5)).toBe(17);
    sock.destroy();
  });
});

describe("[SHIP] references and registered shippables", () => {
  it("an object with [SHIP] travels as a reference rebuilt by its resolver", () => {
    const table = new Map<number, string>([[7, "seven"]]);
    registerShipResolver("test.broadcast", (data) => ({ value: table.get((data as { id: number }).id) }));
    class Handle { constructor(readonly id: number) {} [SHIP]() { return { kind: "test.broadcast", data: { id: this.id } }; } }
    const h = new Handle(7);
    const s = serializeFunction(() => h);
    expect(s.nodes.find((n) => n.k === "ship")).toEqual({ k: "ship", kind: "test.broadcast", data: { id: 7 } });
    expect(ship(() => (h as unknown as { value: string }).value)()).toBe("seven");
  });

  it("registerShippable values arrive as the same value on the other side", () => {
    const engineFn = registerShippable("test.engine.double", (x: number) => x * 2);
    const s = serializeFunction((x: number) => engineFn(x) + 1);
    expect(s.nodes.some((n) => n.k === "fn" && n.src.includes("x * 2"))).toBe(false);
    expect(ship((x: number) => engineFn(x) + 1)(4)).toBe(9);
    expect(deserializeFunction(serializeFunction(engineFn))).toBe(engineFn);
  });

  it("partial(): a registered engine function and its leading arguments, as a bound function with its parts recorded", () => {
    const task = registerShippable("test.engine.task", (spec: { k: number }, scale: number, i: number, xs: number[]) => xs.map((x) => x * spec.k * scale + i));
    const f = partial(task, { k: 2 }, 10);
    expect(f(1, [1, 2])).toEqual([21, 41]);
    const s = serializeFunction(f, "mapPartitionsWithIndex");
    const root = s.nodes[s.root]!;
    expect(root.k).toBe("bound");
    const target = s.nodes[(root as { target: number }).target]!;
    expect(target).toMatchObject({ k: "ship", data: "test.engine.task" });
    expect(s.nodes.some((n) => n.k === "fn")).toBe(false); // no source shipped, no closure read
    const g = ship(f);
    expect(g(3, [1, 2])).toEqual([23, 43]);
    // Any function works as the target; its captured variables travel as usual.
    const offset = 7;
    expect(ship(partial((a: number, b: number) => a * b + offset, 6))(7)).toBe(49);
  });

  it("a subclass of a registered class travels as itself, not as its parent (statics are inherited)", () => {
    class Base { twice(x: number) { return 2 * x; } }
    registerShippable("test.engine.Base", Base);
    class Child extends Base { plusOne(x: number) { return this.twice(x) + 1; } }
    const c = new Child();
    const back = ship(() => c)();
    expect(back).toBeInstanceOf(Base);
    expect(back.constructor.name).toBe("Child");
    expect(back.plusOne(3)).toBe(7);
    expect(deserializeFunction(serializeFunction(() => Base))()).toBe(Base);
  });

  it("an unknown ship kind fails on the receiving side with a clear error", () => {
    const odd = { [SHIP]: () => ({ kind: "test.never-registered", data: 1 }) };
    const s = serializeFunction(() => odd);
    expect(() => deserializeFunction(s)).toThrow(/no resolver for 'test.never-registered'/);
  });
});

describe("refusals", () => {
  const CTX = {
    condition: "CONTEXT_ONLY_VALID_ON_DRIVER",
    message: "It appears that you are attempting to reference SparkContext from a broadcast variable, action, or transformation.",
  };

  it("an UNSHIPPABLE object uses its own condition and names the variable", () => {
    const sc = { [UNSHIPPABLE]: CTX, appName: "x" };
    const e = refusal((x: number) => [x, sc.appName]);
    expect(e.condition).toBe("CONTEXT_ONLY_VALID_ON_DRIVER");
    expect(e.message).toContain("It appears that you are attempting to reference SparkContext");
    expect(e.message).toContain("variable 'sc'");
    expect(e.message).toContain("map");
  });

  it("an UNSHIPPABLE object deep inside captured data is found, with its path", () => {
    class FakeRdd { readonly [UNSHIPPABLE] = { condition: "RDD_TRANSFORM_ONLY_VALID_ON_DRIVER", message: "RDD transformations and actions can only be invoked by the driver." }; }
    const cfg = { opts: { inner: [1, new FakeRdd()] } };
    const e = refusal(() => cfg.opts, "filter");
    expect(e.condition).toBe("RDD_TRANSFORM_ONLY_VALID_ON_DRIVER");
    expect(e.message).toContain("cfg.opts.inner[1]");
    expect(e.message).toContain("filter");
  });

  it("an UNSHIPPABLE object reached through a nested function", () => {
    const sc = { [UNSHIPPABLE]: CTX };
    const helper = () => sc;
    const e = refusal(() => helper());
    expect(e.message).toContain("helper → sc");
  });

  it("sockets, streams, emitters, promises, weak collections, process, workers, namespaces", async () => {
    const sock = new net.Socket();
    const e1 = refusal((x: number) => [x, sock]);
    expect(e1.condition).toBe("CLOSURE_NOT_SERIALIZABLE");
    expect(e1.message).toContain("variable 'sock' (a net.Socket) captured by the function passed to map cannot be shipped to workers");
    sock.destroy();

    const stream = new PassThrough();
    expect(refusal(() => stream).message).toMatch(/variable 'stream' \(a stream/);
    const em = new EventEmitter();
    expect(refusal(() => em).message).toMatch(/variable 'em' \(an EventEmitter/);
    const p = Promise.resolve(1);
    expect(refusal(() => p).message).toMatch(/variable 'p' \(a Promise\)/);
    const wm = new WeakMap();
    const ws = new WeakSet();
    expect(refusal(() => wm).message).toMatch(/a WeakMap/);
    expect(refusal(() => ws).message).toMatch(/a WeakSet/);
    const proc = process;
    expect(refusal(() => proc.pid).message).toMatch(/variable 'proc' \(the process object\)/);
    const { Worker } = await import("node:worker_threads");
    const w = new Worker("", { eval: true });
    expect(refusal(() => w).message).toMatch(/worker_threads.Worker/);
    await w.terminate();
    const ns = await import("./markers");
    expect(refusal(() => ns).message).toMatch(/variable 'ns' \(a module namespace object\)/);
  });

  it("instances of classes with private fields are refused rather than silently broken", () => {
    class Account { #balance = 10; deposit(n: number) { this.#balance += n; return this.#balance; } }
    const acct = new Account();
    expect(refusal(() => acct.deposit(1)).message).toMatch(/variable 'acct' \(an instance of Account\).*private members/);
    const P = class { static #count = 0; static next() { return ++P.#count; } };
    expect(ship(() => typeof P)()).toBe("function"); // the class itself ships; only instances are refused
  });

  it("an arrow using the surrounding `this` is refused with a way out", () => {
    class Job { factor = 2; fn() { return (x: number) => x * this.factor; } }
    const e = refusal(new Job().fn());
    expect(e.condition).toBe("CLOSURE_NOT_SERIALIZABLE");
    expect(e.message).toMatch(/uses `this`.*local variable/);
  });

  it("refuses the function itself when it is not a function", () => {
    expect(() => serializeFunction(42 as unknown as Function, "map")).toThrow(/must be a function/);
  });
});

describe("data-heavy and CommonJS captures", () => {
  it("arrays of primitives travel compactly and exactly; holes and odd numbers fall back", () => {
    const weights = Array.from({ length: 1000 }, (_, i) => i / 7);
    const mixed = [1, "a", true, null];
    const odd = [NaN, -0, undefined, 2n];
    // eslint-disable-next-line no-sparse-arrays
    const holey = [1, , 3];
    const s = serializeFunction(() => [weights, mixed, odd, holey]);
    expect(s.nodes.length).toBeLessThan(20);
    const [w, m, o, h] = deserializeFunction<() => unknown[][]>(decode(encode(s)))();
    expect(w).toEqual(weights);
    expect(m).toEqual(mixed);
    expect(Object.is(o![0], NaN) && Object.is(o![1], -0) && o![2] === undefined && o![3] === 2n).toBe(true);
    expect(1 in h!).toBe(false);
    expect(h!.length).toBe(3);
  });

  it("a captured CommonJS require ships as a require from the same directory", async () => {
    const { createRequire } = await import("node:module");
    const req = createRequire(import.meta.url);
    const f = ship((p: string) => (req("node:path") as typeof path).basename(p) + typeof req.resolve("vitest"));
    expect(f("/a/b.txt")).toBe("b.txtstring");
    const s = serializeFunction(() => req);
    expect(s.nodes.find((n) => n.k === "require")).toEqual({ k: "require", dir: path.dirname(new URL(import.meta.url).pathname) });
  });

  it("functions that only use standard globals skip the inspector and still work", () => {
    const f = ship((xs: number[]) => Math.max(...xs.map(Number)) + JSON.parse("1"));
    expect(f([1, 5])).toBe(6);
  });
});
