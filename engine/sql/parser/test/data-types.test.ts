// Data type and DDL schema text -> engine/sql/types.ts values.

import { describe, expect, it } from "vitest";
import { ArrayType, IntegerType, LongType, MapType, StringType, StructType, simpleString } from "../../types";
import { parseDataType, parseTableSchema } from "../index";
import { parseErrorOf } from "./helpers";

describe("parseDataType", () => {
  it.each([
    ["int", "int"], ["INTEGER", "int"], ["bigint", "bigint"], ["long", "bigint"], ["smallint", "smallint"],
    ["short", "smallint"], ["tinyint", "tinyint"], ["byte", "tinyint"], ["boolean", "boolean"],
    ["float", "float"], ["real", "float"], ["double", "double"], ["double precision", "double"],
    ["string", "string"], ["varchar(10)", "string"], ["char(3)", "string"], ["binary", "binary"],
    ["date", "date"], ["timestamp", "timestamp"], ["timestamp_ntz", "timestamp"], ["void", "void"],
    ["decimal", "decimal(10,0)"], ["decimal(5)", "decimal(5,0)"], ["DECIMAL(10, 2)", "decimal(10,2)"],
    ["numeric(38,38)", "decimal(38,38)"], ["dec(3,1)", "decimal(3,1)"],
    ["array<string>", "array<string>"], ["ARRAY < INT >", "array<int>"],
    ["array<array<int>>", "array<array<int>>"], ["map<string,int>", "map<string,int>"],
    ["map<string, array<map<int,string>>>", "map<string,array<map<int,string>>>"],
    ["struct<a:int,b:string>", "struct<a:int,b:string>"], ["struct<a int, b string>", "struct<a:int,b:string>"],
    ["struct<>", "struct<>"], ["struct<`x y`:int, s:struct<t:date>>", "struct<x y:int,s:struct<t:date>>"],
  ])("%s -> %s", (text, expected) => {
    expect(simpleString(parseDataType(text))).toBe(expected);
  });

  it("builds the exact DataType values", () => {
    expect(parseDataType("map<string,array<bigint>>")).toEqual(MapType(StringType, ArrayType(LongType, true), true));
    expect(parseDataType("struct<a:int NOT NULL COMMENT 'id'>")).toEqual({
      type: "struct", fields: [{ name: "a", dataType: IntegerType, nullable: false, metadata: { comment: "id" } }],
    });
  });

  it.each([
    ["foo", "UNSUPPORTED_DATATYPE", '[UNSUPPORTED_DATATYPE] Unsupported data type "FOO".'],
    ["interval", "UNSUPPORTED_DATATYPE", '[UNSUPPORTED_DATATYPE] Unsupported data type "INTERVAL".'],
    ["decimal(39,0)", "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION", "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision 39 exceeds max precision 38."],
    ["array<int", "PARSE_SYNTAX_ERROR", "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input."],
    ["int int", "PARSE_SYNTAX_ERROR", "[PARSE_SYNTAX_ERROR] Syntax error at or near 'int'."],
  ])("%s fails with %s", (text, condition, message) => {
    const e = parseErrorOf(() => parseDataType(text));
    expect(e.condition).toBe(condition);
    expect(e.message.split(" (line ")[0]).toBe(message);
  });
});

describe("parseTableSchema", () => {
  it("reads a column list", () => {
    const s = parseTableSchema("a INT, b STRING NOT NULL, `c d` array<double> COMMENT 'xs'");
    expect(s).toBeInstanceOf(StructType);
    expect(s.fieldNames).toEqual(["a", "b", "c d"]);
    expect(s.simpleString()).toBe("struct<a:int,b:string,c d:array<double>>");
    expect(s.fields[1]!.nullable).toBe(false);
    expect(s.fields[2]!.metadata).toEqual({ comment: "xs" });
  });

  it("accepts colons and keywords as column names", () => {
    expect(parseTableSchema("select: int, from long").simpleString()).toBe("struct<select:int,from:bigint>");
  });

  it("accepts a whole struct type and an empty schema", () => {
    expect(parseTableSchema("struct<a:int>").simpleString()).toBe("struct<a:int>");
    expect(parseTableSchema("  ").fields).toEqual([]);
  });

  it("reports the bad token", () => {
    const e = parseErrorOf(() => parseTableSchema("a INT,, b STRING"));
    expect(e.message.split(" (line ")[0]).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near ','.");
    expect(e.context).toMatchObject({ line: 1, column: 7 });
  });
});
