import { describe, expect, it } from "vitest";
import { WideColumnStore } from "./index";

describe("WideColumnStore (regions in this process)", () => {
  it("keeps sparse rows by key in regions, scans a key range in order visiting only its regions", async () => {
    const t = await WideColumnStore.create(null, { name: "users", families: ["info", "stats"], splits: ["h", "p"] });
    expect(t.regions().map((r) => [r.start, r.stop])).toEqual([[null, "h"], ["h", "p"], ["p", null]]);
    await t.put("ann", { "info:name": "Ann", "info:city": "Oslo" });
    await t.put("bob", { "info:name": "Bob", "stats:visits": 3 });
    await t.put("kim", { "stats:visits": 9 });
    await t.put("zed", { "info:name": "Zed", "info:email": "z@x" });
    expect(await t.get("bob")).toEqual({ row: "bob", cells: { "info:name": "Bob", "stats:visits": 3 } });
    expect(await t.get("nobody")).toBeUndefined();
    expect((await t.scan()).map((r) => r.row)).toEqual(["ann", "bob", "kim", "zed"]);
    expect((await t.scan({ start: "b", stop: "h" })).map((r) => r.row)).toEqual(["bob"]);
    expect(t.lastScan.shardsVisited).toBe(1);
    expect((await t.scan({ start: "b", stop: "q" })).map((r) => r.row)).toEqual(["bob", "kim"]);
    expect(t.lastScan.shardsVisited).toBe(3);
    // A family scan returns only rows with cells in it, only those cells.
    expect(await t.scan({ families: ["stats"] })).toEqual([{ row: "bob", cells: { "stats:visits": 3 } }, { row: "kim", cells: { "stats:visits": 9 } }]);
    expect((await t.scan({ columns: ["info:name"], limit: 2 })).map((r) => r.cells)).toEqual([{ "info:name": "Ann" }, { "info:name": "Bob" }]);
  });

  it("keeps the newest versions of a cell up to maxVersions", async () => {
    const t = await WideColumnStore.create(null, { families: ["p"], maxVersions: 2 });
    await t.put("r", { "p:price": 10 }, { timestamp: 100 });
    await t.put("r", { "p:price": 12 }, { timestamp: 200 });
    await t.put("r", { "p:price": 11 }, { timestamp: 150 });
    await t.put("r", { "p:price": 13 }, { timestamp: 200 }); // the same timestamp: replaces that version
    expect((await t.get("r"))!.cells["p:price"]).toBe(13);
    expect((await t.get("r", { versions: 5 }))!.cells["p:price"]).toEqual([{ value: 13, timestamp: 200 }, { value: 11, timestamp: 150 }]);
    await t.delete("r", ["p:price"]);
    expect(await t.get("r")).toBeUndefined();
  });

  it("stores sparse rows in far fewer bytes than a dense table with a slot per column", async () => {
    const t = await WideColumnStore.create(null, { families: ["attr"] });
    // 200 products, each with 3 of 100 possible attributes.
    for (let i = 0; i < 200; i++) await t.put(`p${String(i).padStart(3, "0")}`, { [`attr:a${i % 100}`]: i, [`attr:b${i % 7}`]: "x", [`attr:c${i % 3}`]: true });
    const s = await t.storage();
    expect(s).toMatchObject({ rows: 200, cells: 600 });
    expect(s.columns).toBe(100 + 7 + 3);
    expect(s.denseBytes).toBeGreaterThan(5 * s.sparseBytes);
  });

  it("refuses unknown families, malformed columns, empty row keys and bad options, naming them", async () => {
    const t = await WideColumnStore.create(null, { name: "t", families: ["info"] });
    await expect(t.put("r", { "stats:x": 1 })).rejects.toThrow(/NO_SUCH_COLUMN_FAMILY.*'stats'.*families are info/);
    await expect(t.put("r", { name: 1 })).rejects.toThrow(/INVALID_COLUMN.*'name' is not family:qualifier/);
    await expect(t.put("", { "info:x": 1 })).rejects.toThrow(/INVALID_KEY/);
    await expect(t.put("r", { "info:x": undefined })).rejects.toThrow(/INVALID_VALUE/);
    await expect(t.scan({ families: ["nope"] })).rejects.toThrow(/NO_SUCH_COLUMN_FAMILY/);
    await expect(WideColumnStore.create(null, { families: [] })).rejects.toThrow(/at least one column family/);
    await expect(WideColumnStore.create(null, { families: ["a"], splits: ["m", "c"] })).rejects.toThrow(/increasing/);
  });

  it("agrees with a plain reference model over random puts, deletes, gets and scans", async () => {
    const t = await WideColumnStore.create(null, { families: ["a", "b"], maxVersions: 2, splits: ["f", "p"] });
    // The model: row -> column -> versions newest first (at most 2), as Bigtable defines a cell.
    const model = new Map<string, Map<string, Array<{ value: unknown; timestamp: number }>>>();
    let s = 77;
    const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
    const rowOf = () => `${String.fromCharCode(97 + rnd(26))}${rnd(3)}`;
    const view = (cols: Map<string, Array<{ value: unknown; timestamp: number }>>, fam?: string) => {
      const out: Record<string, unknown> = {};
      for (const c of [...cols.keys()].sort()) if (!fam || c.startsWith(`${fam}:`)) out[c] = cols.get(c)![0]!.value;
      return Object.keys(out).length ? out : undefined;
    };
    for (let step = 1; step <= 500; step++) {
      const row = rowOf(), r = rnd(10);
      if (r < 5) {
        const col = `${rnd(2) ? "a" : "b"}:q${rnd(4)}`, value = rnd(1000), ts = rnd(3) ? step : Math.max(1, step - 5);
        await t.put(row, { [col]: value }, { timestamp: ts });
        const cols = model.get(row) ?? new Map<string, Array<{ value: unknown; timestamp: number }>>();
        const vs = [...(cols.get(col) ?? []).filter((v) => v.timestamp !== ts), { value, timestamp: ts }].sort((x, y) => y.timestamp - x.timestamp).slice(0, 2);
        cols.set(col, vs); model.set(row, cols);
      } else if (r < 6) {
        const cols = rnd(2) ? [`a:q${rnd(4)}`] : undefined;
        await t.delete(row, cols);
        const m = model.get(row);
        if (m) { if (cols) cols.forEach((c) => m.delete(c)); else m.clear(); if (m.size === 0) model.delete(row); }
      } else if (r < 8) {
        const m = model.get(row);
        const want = m && view(m);
        expect(await t.get(row), `step ${step} ${row}`).toEqual(want ? { row, cells: want } : undefined);
      } else {
        const a = rowOf(), b = rowOf(), [start, stop] = a < b ? [a, b] : [b, a], fam = rnd(2) ? "b" : undefined;
        const want = [...model.keys()].sort().filter((k) => k >= start && k < stop).map((k) => ({ row: k, cells: view(model.get(k)!, fam) })).filter((x) => x.cells);
        expect(await t.scan({ start, stop, ...(fam ? { families: [fam] } : {}) }), `step ${step}`).toEqual(want);
      }
    }
  });
});
