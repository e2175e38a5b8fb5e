// Micro-benchmark for closure shipping (prints, asserts nothing): serialize a small arrow with a
// few captured primitives, encode/decode it, and deserialize a cached shape. Run with
// `npx tsx test/bench/closure-bench.ts`.
import { decode, encode } from "../../engine/common/codec";
import { deserializeFunction, serializeFunction, type SerializedFunction } from "../../engine/common/closure/index";

function bench(name: string, n: number, f: () => unknown): void {
  for (let i = 0; i < Math.min(200, n); i++) f(); // warm up (JIT, caches, inspector session)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(`${name.padEnd(52)} ${us.toFixed(2).padStart(9)} us/op`);
}

const factor = 3, offset = 0.5, label = "x";
const small = (x: number) => (x * factor + offset) + label.length;
const none = (x: number) => x * 2;
const table = new Map(Array.from({ length: 100 }, (_, i) => [`k${i}`, i] as [string, number]));
const helper = (k: string) => table.get(k) ?? 0;
const nested = (k: string) => helper(k) * factor;

const first0 = process.hrtime.bigint();
serializeFunction(small, "map");
console.log(`first serialization (loads acorn, inspector session, name tables): ${(Number(process.hrtime.bigint() - first0) / 1e6).toFixed(1)} ms`);

bench("serialize: arrow, no captures", 5000, () => serializeFunction(none, "map"));
bench("serialize: arrow, 3 captured primitives", 5000, () => serializeFunction(small, "map"));
bench("serialize: nested fn + Map of 100 entries", 2000, () => serializeFunction(nested, "map"));
const s = serializeFunction(small, "map");
const bytes = encode(s);
console.log(`encoded size, arrow with 3 primitives: ${bytes.length} bytes`);
bench("encode+decode (codec)", 20000, () => decode<SerializedFunction>(encode(s)));
bench("deserialize: cached shape, 3 primitives", 20000, () => deserializeFunction(s));
const sn = serializeFunction(nested, "map");
bench("deserialize: nested fn + Map of 100 entries", 5000, () => deserializeFunction(sn));
const f = deserializeFunction<typeof small>(s);
bench("call rebuilt function", 100000, () => f(2));
