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
    expect((await t.get("r"))!.cells["p:price"]).toBe(12);
    expect((await t.get("r", { versions: 5 }))!.cells["p:price"]).toEqual([{ value: 12, timestamp: 200 }, { value: 11, timestamp: 150 }]);
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
});
