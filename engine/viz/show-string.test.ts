// df.show() output compared byte for byte with what PySpark 3.5 prints for the same data.
import { describe, expect, it } from "vitest";
import {
  ArrayType, BinaryType, BooleanType, DateType, DoubleType, FloatType, IntegerType, LongType, MapType,
  StringType, StructField, StructType, TimestampType, DecimalType,
} from "../sql/types";
import { showString } from "./show-string";
import { javaDoubleToString, javaFloatToString } from "./cell-format";

const people = new StructType([
  StructField("id", IntegerType), StructField("name", StringType), StructField("score", DoubleType), StructField("ok", BooleanType),
]);
const peopleRows = [
  { id: 1, name: "Alice", score: 2.5, ok: true },
  { id: 2, name: null, score: null, ok: false },
  { id: 3, name: "Bob", score: 10, ok: null },
];

describe("showString", () => {
  it("prints the default table with nulls, booleans and doubles", () => {
    expect(showString(people, peopleRows)).toBe(
      [
        "+---+-----+-----+-----+",
        "| id| name|score|   ok|",
        "+---+-----+-----+-----+",
        "|  1|Alice|  2.5| true|",
        "|  2| null| null|false|",
        "|  3|  Bob| 10.0| null|",
        "+---+-----+-----+-----+",
        "",
      ].join("\n"),
    );
  });

  it("shows the top-n footer when more rows were fetched than shown", () => {
    expect(showString(people, peopleRows, 2)).toBe(
      [
        "+---+-----+-----+-----+",
        "| id| name|score|   ok|",
        "+---+-----+-----+-----+",
        "|  1|Alice|  2.5| true|",
        "|  2| null| null|false|",
        "+---+-----+-----+-----+",
        "only showing top 2 rows",
        "",
      ].join("\n"),
    );
    expect(showString(people, peopleRows, 1).endsWith("|  1|Alice|  2.5|true|\n+---+-----+-----+----+\nonly showing top 1 row\n")).toBe(true);
  });

  it("truncates long cells to 20 characters with ... and keeps headers whole", () => {
    const s = new StructType([StructField("a_rather_long_column_name", StringType)]);
    const out = showString(s, [{ a_rather_long_column_name: "abcdefghijklmnopqrstuvwxyz" }, { a_rather_long_column_name: "short" }]);
    expect(out).toBe(
      [
        "+-------------------------+",
        "|a_rather_long_column_name|",
        "+-------------------------+",
        "|     abcdefghijklmnopq...|",
        "|                    short|",
        "+-------------------------+",
        "",
      ].join("\n"),
    );
  });

  it("truncate=false left-aligns and keeps full values; small truncate has no ellipsis", () => {
    const s = new StructType([StructField("s", StringType), StructField("n", IntegerType)]);
    const rows = [{ s: "abcdefghijklmnopqrstuvwxyz", n: 1 }];
    expect(showString(s, rows, 20, false)).toBe(
      ["+--------------------------+---+", "|s                         |n  |", "+--------------------------+---+", "|abcdefghijklmnopqrstuvwxyz|1  |", "+--------------------------+---+", ""].join("\n"),
    );
    expect(showString(s, rows, 20, 3)).toBe(["+---+---+", "|  s|  n|", "+---+---+", "|abc|  1|", "+---+---+", ""].join("\n"));
    expect(showString(s, rows, 20, 5)).toBe(["+-----+---+", "|    s|  n|", "+-----+---+", "|ab...|  1|", "+-----+---+", ""].join("\n"));
  });

  it("prints vertical records", () => {
    const s = new StructType([StructField("age", LongType), StructField("name", StringType)]);
    const rows = [{ age: 2, name: "Alice" }, { age: 5, name: "Bob" }];
    expect(showString(s, rows, 20, true, true)).toBe(
      ["-RECORD 0-----", " age  | 2     ", " name | Alice ", "-RECORD 1-----", " age  | 5     ", " name | Bob   ", ""].join("\n"),
    );
    expect(showString(s, rows, 1, true, true)).toBe(["-RECORD 0-----", " age  | 2     ", " name | Alice ", "only showing top 1 row", ""].join("\n"));
    expect(showString(s, [], 20, true, true)).toBe("(0 rows)\n");
  });

  it("prints an empty result with header only", () => {
    expect(showString(people, [])).toBe(["+---+----+-----+---+", "| id|name|score| ok|", "+---+----+-----+---+", "+---+----+-----+---+", ""].join("\n"));
  });

  it("formats nested and temporal types like Spark's cast to string", () => {
    const s = new StructType([
      StructField("arr", ArrayType(IntegerType)),
      StructField("m", MapType(StringType, DoubleType)),
      StructField("st", { type: "struct", fields: [StructField("x", IntegerType), StructField("y", StringType)] }),
      StructField("d", DateType),
      StructField("ts", TimestampType),
      StructField("b", BinaryType),
    ]);
    const row = {
      arr: [1, null, 3],
      m: new Map([["a", 1]]),
      st: { x: 1, y: "q" },
      d: new Date(Date.UTC(2024, 0, 2)),
      ts: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120)),
      b: new Uint8Array([1, 171, 255]),
    };
    expect(showString(s, [row])).toBe(
      [
        "+------------+----------+------+----------+--------------------+----------+",
        "|         arr|         m|    st|         d|                  ts|         b|",
        "+------------+----------+------+----------+--------------------+----------+",
        "|[1, null, 3]|{a -> 1.0}|{1, q}|2024-01-02|2024-01-02 03:04:...|[01 AB FF]|",
        "+------------+----------+------+----------+--------------------+----------+",
        "",
      ].join("\n"),
    );
    expect(showString(s, [row], 20, false)).toContain("|2024-01-02 03:04:05.12|");
  });

  it("escapes control characters and counts wide characters twice", () => {
    const s = new StructType([StructField("s", StringType)]);
    expect(showString(s, [{ s: "a\nb" }])).toBe(["+----+", "|   s|", "+----+", "|a\\nb|", "+----+", ""].join("\n"));
    expect(showString(s, [{ s: "日本" }, { s: "x" }])).toBe(["+----+", "|   s|", "+----+", "|日本|", "|   x|", "+----+", ""].join("\n"));
  });

  it("formats decimals with their scale, longs as bigint and floats as Java floats", () => {
    const s = new StructType([StructField("d", DecimalType(10, 2)), StructField("l", LongType), StructField("f", FloatType)]);
    expect(showString(s, [{ d: 1.5, l: 9007199254740993n, f: 0.1 }])).toBe(
      ["+----+----------------+---+", "|   d|               l|  f|", "+----+----------------+---+", "|1.50|9007199254740993|0.1|", "+----+----------------+---+", ""].join("\n"),
    );
  });
});

describe("Java's Double.toString / Float.toString", () => {
  it("matches known outputs", () => {
    const cases: Array<[number, string]> = [
      [1, "1.0"], [100, "100.0"], [2.5, "2.5"], [0.001, "0.001"], [1e-4, "1.0E-4"], [1e7, "1.0E7"],
      [1234567, "1234567.0"], [12345678.9, "1.23456789E7"], [-0, "-0.0"], [0, "0.0"], [NaN, "NaN"],
      [Infinity, "Infinity"], [-Infinity, "-Infinity"], [0.1 + 0.2, "0.30000000000000004"], [-1.5e-7, "-1.5E-7"],
      [1.7976931348623157e308, "1.7976931348623157E308"], [123.456, "123.456"],
    ];
    for (const [v, s] of cases) expect(javaDoubleToString(v)).toBe(s);
    expect(javaFloatToString(0.1)).toBe("0.1");
    expect(javaFloatToString(3.4028234663852886e38)).toBe("3.4028235E38");
    expect(javaFloatToString(1 / 3)).toBe("0.33333334");
  });
});

describe("one text for every value", () => {
  it("a date of year -44 prints as -0044-03-15 in CAST, show() and the viz cell (it used to print three ways)", async () => {
    const { valueToString } = await import("../sql/expressions/cast");
    const { formatCell } = await import("./cell-format");
    const { formatDate } = await import("../sql/text-format");
    const d = new Date(Date.UTC(2000, 2, 15));
    d.setUTCFullYear(-44);
    expect(valueToString(d, DateType)).toBe("-0044-03-15");
    expect(formatCell(d, DateType)).toBe("-0044-03-15");
    expect(formatDate(d)).toBe("-0044-03-15");
    expect(showString(new StructType([StructField("d", DateType)]), [{ d }])).toContain("|-0044-03-15|");
    const ts = new Date(d.getTime() + 3_723_450);
    expect(formatCell(ts, TimestampType)).toBe(valueToString(ts, TimestampType));
    expect(formatCell(ts, TimestampType)).toBe("-0044-03-15 01:02:03.45");
  });
});
