import { describe, expect, it } from "vitest";
import { toDanfo, fromDanfo } from "../../engine/sql/datasources";
import { StructType, type DataType } from "../../engine/sql/types";
import type { DataFrame as DanfoDataFrame } from "danfojs-node";

const T = (type: string) => ({ type }) as DataType;

describe("danfojs interop", () => {
  const schema = new StructType().add("id", T("integer")).add("big", T("long")).add("x", T("double")).add("name", T("string")).add("ok", T("boolean")).add("day", T("date"));
  const rows = [
    { id: 1, big: 10, x: 1.5, name: "a", ok: true, day: new Date("2024-01-02T00:00:00Z") },
    { id: 2, big: 20n, x: 2.5, name: "b", ok: false, day: new Date("2024-01-03T00:00:00Z") },
    { id: 3, big: 30, x: -1, name: "c", ok: true, day: null },
  ];

  it("toDanfo builds a DataFrame with int32/float32/string/boolean dtypes in schema order", async () => {
    const df = await toDanfo(schema, rows);
    expect(df.columns).toEqual(["id", "big", "x", "name", "ok", "day"]);
    expect(df.dtypes).toEqual(["int32", "int32", "float32", "string", "boolean", "string"]);
    expect(df.shape).toEqual([3, 6]);
    // Declared as DanfoFrame (what the engine relies on); it is danfo's own DataFrame.
    expect((df as unknown as DanfoDataFrame).column("x").sum()).toBe(3);
    expect(df.values[0]).toEqual([1, 10, 1.5, "a", true, "2024-01-02"]);
  });

  it("fromDanfo returns schema and rows; round trip keeps the values", async () => {
    const df = await toDanfo(schema, rows);
    const { schema: s, rows: back } = fromDanfo(df);
    expect(s.simpleString()).toBe("struct<id:bigint,big:bigint,x:double,name:string,ok:boolean,day:string>");
    expect(back.map((r) => [r.id, r.big, r.x, r.name, r.ok])).toEqual([[1, 10, 1.5, "a", true], [2, 20, 2.5, "b", false], [3, 30, -1, "c", true]]);
    expect(back[0]!.day).toBe("2024-01-02");
  });
});
