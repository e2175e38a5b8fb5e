// Literal typing against Spark's rules (known values from Spark's documentation and behaviour).

import { describe, expect, it } from "vitest";
import { simpleString } from "../../types";
import { parseExpression } from "../index";
import type { Literal } from "../index";
import { parseErrorOf } from "./helpers";

function lit(text: string): { type: string; value: unknown } {
  const e = parseExpression(text);
  if (e.kind !== "literal") throw new Error(`not a literal: ${e.kind}`);
  return { type: simpleString(e.dataType), value: (e as Literal).value };
}

describe("numeric literals", () => {
  it.each([
    ["0", "int", 0],
    ["2147483647", "int", 2147483647],
    ["-2147483648", "int", -2147483648],
    ["2147483648", "bigint", 2147483648],
    ["-2147483649", "bigint", -2147483649],
    ["9223372036854775807", "bigint", 9223372036854775807n],
    ["-9223372036854775808", "bigint", -9223372036854775808n],
    ["9223372036854775808", "decimal(19,0)", "9223372036854775808"],
    ["10L", "bigint", 10],
    ["10l", "bigint", 10],
    ["5S", "smallint", 5],
    ["-32768S", "smallint", -32768],
    ["7Y", "tinyint", 7],
    ["-128Y", "tinyint", -128],
    ["1.5", "decimal(2,1)", "1.5"],
    ["-1.50", "decimal(3,2)", "-1.50"],
    ["0.05", "decimal(2,2)", "0.05"],
    [".5", "decimal(1,1)", "0.5"],
    ["123.", "decimal(3,0)", "123"],
    ["1.5D", "double", 1.5],
    ["1D", "double", 1],
    ["1e3", "double", 1000],
    ["1.5E-2", "double", 0.015],
    ["2.5F", "float", 2.5],
    ["1.5BD", "decimal(2,1)", "1.5"],
    ["10BD", "decimal(2,0)", "10"],
    ["1e3BD", "decimal(4,0)", "1000"],
    ["12345678901234567890123456789012345678", "decimal(38,0)", "12345678901234567890123456789012345678"],
  ])("%s is %s", (text, type, value) => {
    expect(lit(text)).toEqual({ type, value });
  });

  it.each([
    ["128Y", "INVALID_NUMERIC_LITERAL_RANGE"],
    ["-129Y", "INVALID_NUMERIC_LITERAL_RANGE"],
    ["32768S", "INVALID_NUMERIC_LITERAL_RANGE"],
    ["9223372036854775808L", "INVALID_NUMERIC_LITERAL_RANGE"],
    ["1e400", "INVALID_NUMERIC_LITERAL_RANGE"],
    ["1e39F", "INVALID_NUMERIC_LITERAL_RANGE"],
    ["123456789012345678901234567890123456789", "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION"],
  ])("%s is out of range (%s)", (text, condition) => {
    expect(parseErrorOf(() => parseExpression(text)).condition).toBe(condition);
  });

  it("gives Spark's range message", () => {
    expect(parseErrorOf(() => parseExpression("128Y")).message.split(" (line ")[0]).toBe(
      "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 128 is outside the valid range for tinyint with minimum value of -128 and maximum value of 127. Please adjust the value accordingly.",
    );
  });

  it("reads digits followed by letters as an identifier, as Spark's lexer does", () => {
    expect(parseExpression("1a")).toMatchObject({ kind: "column", name: ["1a"] });
    expect(parseExpression("10Lx")).toMatchObject({ kind: "column", name: ["10Lx"] });
  });
});

describe("string, binary, boolean, null and typed literals", () => {
  it.each([
    ["'abc'", "string", "abc"],
    ['"abc"', "string", "abc"],
    ["'it\\'s'", "string", "it's"],
    ["'a\\nb\\tc'", "string", "a\nb\tc"],
    ["'\\u0041\\101'", "string", "AA"],
    ["'50\\%'", "string", "50\\%"],
    ["'a' 'b' \"c\"", "string", "abc"],
    ["'It''s'", "string", "Its"], // Spark 3: two adjacent literals, concatenated
    ["''", "string", ""],
    ["TRUE", "boolean", true],
    ["false", "boolean", false],
    ["NULL", "void", null],
  ])("%s", (text, type, value) => {
    expect(lit(text)).toEqual({ type, value });
  });

  it("binary literals", () => {
    expect(lit("X'0aFF'")).toEqual({ type: "binary", value: new Uint8Array([0x0a, 0xff]) });
    expect(lit("x'F'")).toEqual({ type: "binary", value: new Uint8Array([0x0f]) });
  });

  it("DATE and TIMESTAMP literals", () => {
    expect(lit("DATE '2024-01-31'")).toEqual({ type: "date", value: new Date(Date.UTC(2024, 0, 31)) });
    expect(lit("date '2024-2'")).toEqual({ type: "date", value: new Date(Date.UTC(2024, 1, 1)) });
    expect(lit("TIMESTAMP '2024-01-31 10:20:30.123'")).toEqual({
      type: "timestamp", value: new Date(Date.UTC(2024, 0, 31, 10, 20, 30, 123)),
    });
    expect(lit("TIMESTAMP '2024-01-31T10:20:30Z'")).toEqual({ type: "timestamp", value: new Date(Date.UTC(2024, 0, 31, 10, 20, 30)) });
    expect(lit("TIMESTAMP '2024-01-31 10:20:30+02:00'")).toEqual({ type: "timestamp", value: new Date(Date.UTC(2024, 0, 31, 8, 20, 30)) });
    expect(lit("TIMESTAMP '2024-07-01 12:00:00 Europe/Paris'")).toEqual({ type: "timestamp", value: new Date(Date.UTC(2024, 6, 1, 10)) });
    expect(lit("TIMESTAMP_NTZ '2024-01-31 10:20:30+02:00'")).toEqual({ type: "timestamp", value: new Date(Date.UTC(2024, 0, 31, 10, 20, 30)) });
  });

  it.each(["DATE '2024-13-01'", "DATE '2023-02-29'", "DATE 'x'", "TIMESTAMP '2024-01-01 25:00'", "TIMESTAMP '2024-01-01 1:00 Mars/Olympus'"])(
    "%s is INVALID_TYPED_LITERAL", (text) => {
      const e = parseErrorOf(() => parseExpression(text));
      expect(e.condition).toBe("INVALID_TYPED_LITERAL");
    });

  it("names the literal in INVALID_TYPED_LITERAL", () => {
    expect(parseErrorOf(() => parseExpression("DATE '2024-13-01'")).message.split(" (line ")[0]).toBe(
      "[INVALID_TYPED_LITERAL] The value of the typed literal \"DATE\" is invalid: '2024-13-01'.");
  });

  it("date and timestamp are still column names when no string follows", () => {
    expect(parseExpression("date")).toMatchObject({ kind: "column", name: ["date"] });
    expect(parseExpression("timestamp + 1")).toMatchObject({ kind: "binary", left: { kind: "column", name: ["timestamp"] } });
  });
});

describe("intervals", () => {
  const pi = (text: string) => {
    const e = parseExpression(text);
    if (e.kind !== "interval") throw new Error(e.kind);
    return e.parts;
  };
  it.each([
    ["INTERVAL '1' DAY", [{ value: "1", unit: "DAY" }]],
    ["INTERVAL 1 HOUR", [{ value: "1", unit: "HOUR" }]],
    ["INTERVAL 2 HOURS 30 MINUTES", [{ value: "2", unit: "HOUR" }, { value: "30", unit: "MINUTE" }]],
    ["INTERVAL -1 DAY", [{ value: "-1", unit: "DAY" }]],
    ["INTERVAL '1-2' YEAR TO MONTH", [{ value: "1-2", unit: "YEAR", toUnit: "MONTH" }]],
    ["INTERVAL '1 day 2 hours'", [{ value: "1 day 2 hours" }]],
    ["INTERVAL 1.5 SECONDS", [{ value: "1.5", unit: "SECOND" }]],
  ])("%s", (text, parts) => {
    expect(pi(text)).toEqual(parts);
  });

  it("ends where the units end", () => {
    expect(parseExpression("ts + INTERVAL 1 DAY - 1")).toMatchObject({
      kind: "binary", op: "-", left: { kind: "binary", op: "+", right: { kind: "interval" } }, right: { kind: "literal", value: 1 },
    });
  });
});
