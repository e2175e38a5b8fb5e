// df.show() text against what Spark 3.5's Dataset.showString prints: display width of wide
// characters, escaped control characters, headers never truncated, the vertical layout's minimum
// column widths. The same layout serves engine/viz's showString for object rows.
import { describe, it, expect } from "vitest";
import { SqlSession, StructType, StructField, StringType, IntegerType } from "../../engine/sql/index";
import { showString as vizShowString } from "../../engine/viz/show-string";
import { localHost } from "./support/local-context";

const spark = () => new SqlSession(localHost());

describe("df.show() text as PySpark prints it", () => {
  it("pads by display width (wide characters count twice) and escapes newlines", async () => {
    const df = spark().createDataFrame([{ name: "日本語" }, { name: "a\nb" }]);
    expect(await df.showString()).toBe(["+------+", "|  name|", "+------+", "|日本語|", "|  a\\nb|", "+------+", ""].join("\n"));
  });

  it("never truncates the header, only the cells", async () => {
    const df = spark().createDataFrame([{ a_very_long_column_name_here: "x".repeat(25) }]);
    expect(await df.showString(20, 10)).toBe([
      "+----------------------------+",
      "|a_very_long_column_name_here|",
      "+----------------------------+",
      "|                  xxxxxxx...|",
      "+----------------------------+",
      "",
    ].join("\n"));
  });

  it("vertical layout keeps Spark's minimum widths of 3", async () => {
    const df = spark().createDataFrame([{ a: 1 }]);
    expect(await df.showString(20, true, true)).toBe("-RECORD 0--\n a   | 1   \n");
  });

  it("the viz renderer prints the same text for the same rows", async () => {
    const rows = [{ id: 1, name: "日本語\tx" }, { id: 2, name: null }];
    const schema = new StructType([StructField("id", IntegerType), StructField("name", StringType)]);
    const df = spark().createDataFrame(rows, schema);
    expect(vizShowString(schema, rows, 1)).toBe(await df.showString(1));
    expect(vizShowString(schema, rows, 20, false, true)).toBe(await df.showString(20, false, true));
  });

  it("takes PySpark's keyword arguments as an object and refuses a boolean n as PySpark does", async () => {
    const df = spark().createDataFrame([{ s: "x".repeat(25) }, { s: "y" }]);
    expect(await df.showString({ truncate: false })).toBe(await df.showString(20, false));
    expect(await df.showString({ n: 1, vertical: true })).toBe(await df.showString(1, true, true));
    await expect(df.showString(false as unknown as number)).rejects.toThrow(/\[NOT_INT\] Argument `n` should be an int, got boolean/);
    await expect(df.showString(20, "no" as unknown as boolean)).rejects.toThrow(/\[NOT_BOOL\] Argument `truncate`/);
  });
});
