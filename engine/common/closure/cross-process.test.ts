// Real process boundaries: functions serialized here are encoded with the shared codec, sent to a
// child started with `node --import tsx` (and to a worker_threads Worker), rebuilt and called
// there. Also the reverse: functions defined in a tsx-compiled module (with esbuild's __name
// helper) are serialized in a child and rebuilt here.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { decodeMessage as decode, encodeMessage as encode } from "../../../test/fixtures/closure/wire";
import { SHIP, deserializeFunction, serializeFunction, type SerializedFunction } from "./index";
import { square } from "../../../test/fixtures/closure/shared-engine";

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/closure/${name}`, import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

type Result = { ok: unknown } | { error: string };
interface Answer { jobs: Result[][]; pid: number; isMainThread: boolean }
interface Case { name: string; fn: Function; calls: unknown[][]; expected: unknown[] }

const message = (cs: Pick<Case, "fn" | "calls">[]) =>
  encode({ jobs: cs.map((c) => ({ fn: serializeFunction(c.fn, "map"), calls: c.calls })) });

/** All cases go to one child (one process start), each rebuilt and called there. */
function inChild(cs: Pick<Case, "fn" | "calls">[]): Answer {
  const r = spawnSync(process.execPath, ["--import", "tsx", fixture("run-shipped.ts")], {
    cwd: repoRoot, input: message(cs).toString("base64"), encoding: "utf8", timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return decode<Answer>(Buffer.from(r.stdout, "base64"));
}

function inWorker(cs: Pick<Case, "fn" | "calls">[]): Promise<Answer> {
  const msg = message(cs);
  return new Promise((resolve, reject) => {
    // tsx's loader hooks do not reach worker threads; register them inside the worker first.
    const tsxDir = path.dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
    const tsxApi = pathToFileURL(path.join(tsxDir, "dist/esm/api/index.mjs")).href;
    const script = pathToFileURL(fixture("run-shipped.ts")).href;
    const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); })`;
    const w = new Worker(boot, { eval: true, workerData: new Uint8Array(msg) });
    w.once("message", (m: Uint8Array) => { resolve(decode<Answer>(m)); void w.terminate(); });
    w.once("error", reject);
  });
}

// What a driver program captures.
const rate = 3;
const big = 2n ** 65n, negZero = -0, nan = NaN;
const words = new Map([["a", 1], ["b", 2]]);
class Vec { constructor(public x: number, public y: number) {} dot(o: Vec) { return this.x * o.x + this.y * o.y; } }
const unit = new Vec(1, 2);
const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
const colors = { [SHIP]: () => ({ kind: "fixture.table", data: "colors" }) } as unknown as Map<string, number>;

const cases: Case[] = [
  { name: "arrow with captured primitive", fn: (x: number) => x * rate, calls: [[2], [5]], expected: [6, 15] },
  { name: "captured Map, bigint, -0, NaN", fn: (k: string) => [words.get(k), big, Object.is(negZero, -0), Number.isNaN(nan)], calls: [["b"]], expected: [[2, 2n ** 65n, true, true]] },
  { name: "class instance with methods", fn: (x: number) => unit.dot(new Vec(x, x)), calls: [[3]], expected: [9] },
  { name: "recursive function", fn: (n: number) => fib(n), calls: [[20]], expected: [6765] },
  { name: "native function by name", fn: Math.max, calls: [[1, 7, 3]], expected: [7] },
  { name: "bound function", fn: function (this: { k: number }, a: number) { return this.k + a; }.bind({ k: 100 }), calls: [[1]], expected: [101] },
  { name: "registered shippable", fn: (x: number) => square(x) + 1, calls: [[4]], expected: [17] },
  { name: "[SHIP] reference resolved on the other side", fn: (c: string) => colors.get(c), calls: [["green"]], expected: [2] },
  { name: "async function", fn: async (x: number) => x + rate, calls: [[1]], expected: [4] },
  { name: "generator function", fn: function* (n: number) { for (let i = 0; i < n; i++) yield i * rate; }, calls: [[3]], expected: [[0, 3, 6]] },
];

describe("cross-process: child process started with node --import tsx", () => {
  it("runs every shipped function in the child with the same results as here", () => {
    const a = inChild(cases);
    expect(a.pid).not.toBe(process.pid);
    cases.forEach((c, i) => expect(a.jobs[i], c.name).toEqual(c.expected.map((ok) => ({ ok }))));
  });

  it("user exceptions inside the shipped function surface as errors there", () => {
    const limit = 2;
    const a = inChild([{ fn: (x: number) => { if (x > limit) throw new Error(`too big: ${x}`); return x; }, calls: [[1], [5]] }]);
    expect(a.jobs[0]).toEqual([{ ok: 1 }, { error: "too big: 5" }]);
  });
});

describe("cross-process: worker_threads Worker", () => {
  it("runs shipped functions inside a worker thread", async () => {
    const a = await inWorker(cases);
    expect(a.isMainThread).toBe(false);
    cases.forEach((c, i) => expect(a.jobs[i], c.name).toEqual(c.expected.map((ok) => ({ ok }))));
  });
});

describe("serializing inside a worker thread (its own inspector session)", () => {
  it("a function serialized in a worker is rebuilt here", async () => {
    const tsxDir = path.dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
    const tsxApi = pathToFileURL(path.join(tsxDir, "dist/esm/api/index.mjs")).href;
    const closure = pathToFileURL(fileURLToPath(new URL("./index.ts", import.meta.url))).href;
    const wire = pathToFileURL(fixture("wire.ts")).href;
    const boot = `
      const { parentPort } = require("node:worker_threads");
      import(${JSON.stringify(tsxApi)}).then(async (m) => {
        m.register();
        const c = await import(${JSON.stringify(closure)});
        const w = await import(${JSON.stringify(wire)});
        const table = new Map([["x", 40]]);
        const bump = (n) => n + 2;
        parentPort.postMessage(w.encodeMessage(c.serializeFunction((k) => bump(table.get(k)), "map")));
      });`;
    const bytes = await new Promise<Uint8Array>((resolve, reject) => {
      const w = new Worker(boot, { eval: true });
      w.once("message", (m: Uint8Array) => { resolve(m); void w.terminate(); });
      w.once("error", reject);
    });
    expect(deserializeFunction<(k: string) => number>(decode<SerializedFunction>(bytes))("x")).toBe(42);
  });
});

describe("functions compiled by tsx (esbuild __name helper)", () => {
  it("ship with their __name helper and run here, where no __name exists", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", fixture("tsx-defined.ts")], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(r.stderr);
    const got = decode<{ topLevel: SerializedFunction; counter: SerializedFunction; source: string }>(Buffer.from(r.stdout, "base64"));
    expect(got.source).toContain("__name(");
    expect("__name" in globalThis).toBe(false);
    const topLevel = deserializeFunction<(x: number) => number>(got.topLevel);
    expect(topLevel(5)).toBe(25); // (5 + 10) + 5 * 2
    const counter = deserializeFunction<() => number>(got.counter);
    expect(counter()).toBe(42);
  });
});
