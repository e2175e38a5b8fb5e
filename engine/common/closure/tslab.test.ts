// The real notebook shape: cells run through tslab's own converter and executor (as the kernel
// does), so a later cell's function refers to earlier cells' variables as `exports.NAME`, where
// `exports` is tslab's proxy holding every top-level variable of the session.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode, encode } from "../codec";
import { deserializeFunction, serializeFunction, type SerializedFunction } from "./index";

interface Executor { execute(src: string): Promise<boolean>; locals: Record<string, unknown> }
const require = createRequire(import.meta.url);
let ex: Executor;
let close: () => void;

beforeAll(() => {
  const { createConverter } = require("tslab/dist/converter") as { createConverter(o: object): { close(): void } };
  const { createExecutor } = require("tslab/dist/executor") as {
    createExecutor(root: string, convs: object, console: object): Executor;
  };
  const conv = createConverter({ isJS: false, isBrowser: false });
  close = () => conv.close();
  ex = createExecutor(process.cwd(), { node: conv, browser: conv, close }, { log() {}, error: console.error });
});
afterAll(() => close?.());

async function cell(src: string): Promise<void> {
  expect(await ex.execute(src)).toBe(true);
}

describe("functions defined in tslab cells", () => {
  it("capture only the earlier-cell variables they use, including imports", async () => {
    await cell(`
      import * as path from "path";
      import { join } from "path";
      const rate = 3;
      const net = require("net");
      const sock = new net.Socket();           // unshippable, unused by the function below
      const big = new Array(100000).fill(1);   // unused: must not be shipped
      function helper(x: number) { return x + offset; }
      const offset = 1;`);
    await cell(`const f = (x: number) => helper(x) * rate + path.join("a", "b").length + join("c").length;`);
    const f = ex.locals.f as (x: number) => number;
    expect(f.toString()).toContain("exports.rate");

    const s = decode<SerializedFunction>(encode(serializeFunction(f, "map")));
    const root = s.nodes[s.root] as { names: string[]; vals: number[] };
    expect(root.names).toEqual(["exports"]);
    const shipped = s.nodes[root.vals[0]!] as { keys: string[] };
    expect([...shipped.keys].sort()).toEqual(["helper", "join", "path", "rate"]);
    // tslab's `import * as path` is __importStar(require("path")): recognised, shipped by name.
    expect(s.nodes.some((n) => n.k === "builtin" && n.module === "path" && n.name === undefined && n.namespace)).toBe(true);
    expect(s.nodes.some((n) => n.k === "builtin" && n.module === "path" && n.name === "join")).toBe(true);
    expect(encode(s).length).toBeLessThan(2000);

    const g = deserializeFunction<(x: number) => number>(s);
    expect(g(1)).toBe(f(1));
    expect(g(1)).toBe((1 + 1) * 3 + 3 + 1);
    (ex.locals.sock as { destroy(): void }).destroy();
  });

  it("refuses an unshippable earlier-cell variable the function does use, naming it", async () => {
    await cell(`const conn = new (require("net").Socket)();`);
    await cell(`const g2 = (x: number) => [x, conn];`);
    expect(() => serializeFunction(ex.locals.g2 as Function, "map")).toThrow(/variable 'conn' \(a net\.Socket\) captured by the function passed to map/);
    (ex.locals.conn as { destroy(): void }).destroy();
  });

  it("a later cell's redefinition is what ships (values are read at serialization time)", async () => {
    await cell(`const cfg = { factor: 2 }; const times = (x: number) => x * cfg.factor;`);
    const before = serializeFunction(ex.locals.times as Function);
    await cell(`cfg.factor = 10;`);
    const after = serializeFunction(ex.locals.times as Function);
    expect(deserializeFunction<(x: number) => number>(before)(3)).toBe(6);
    expect(deserializeFunction<(x: number) => number>(after)(3)).toBe(30);
  });
});
