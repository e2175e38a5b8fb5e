// A wide-column table whose regions live in the worker processes (local[2]) answers a random
// sequence of puts, deletes, gets and scans exactly as the same table in one process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WideColumnStore, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]")); }, 60_000);
afterAll(async () => { await spark?.stop(); });

describe("WideColumnStore on the workers", () => {
  it("gives the same answers as the table in one process over random operations", async () => {
    const opts = { name: "events", families: ["d", "m"], maxVersions: 2, splits: ["g", "n", "t"] };
    const remote = await WideColumnStore.create(spark, opts);
    const local = await WideColumnStore.create(null, opts);
    expect(new Set(remote.hosts())).toEqual(new Set(spark.cluster.workers().map((w) => w.id)));
    let s = 3;
    const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
    const rowOf = () => `${String.fromCharCode(97 + rnd(26))}${rnd(5)}`;
    for (let step = 0; step < 300; step++) {
      const row = rowOf(), r = rnd(10), ts = step + 1;
      if (r < 6) {
        const cells = { [`${rnd(2) ? "d" : "m"}:c${rnd(6)}`]: rnd(100), ...(rnd(2) ? { "d:tag": `t${rnd(3)}` } : {}) };
        await remote.put(row, cells, { timestamp: ts }); await local.put(row, cells, { timestamp: ts });
      } else if (r < 7) {
        expect(await remote.delete(row)).toBe(await local.delete(row));
      } else if (r < 9) {
        expect(await remote.get(row, { versions: 2 })).toEqual(await local.get(row, { versions: 2 }));
      } else {
        const a = rowOf(), b = rowOf(), range = { start: a < b ? a : b, stop: a < b ? b : a, families: rnd(2) ? ["d"] : undefined };
        expect(await remote.scan(range)).toEqual(await local.scan(range));
      }
    }
    expect(await remote.scan()).toEqual(await local.scan());
    expect(await remote.storage()).toEqual(await local.storage());
  }, 120_000);
});
