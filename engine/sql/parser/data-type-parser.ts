// Spark SQL type syntax -> DataType (engine/sql/types.ts): int, bigint, decimal(10,2),
// array<string>, map<string,int>, struct<a:int,b string NOT NULL COMMENT 'x'>, and the column
// list form `a INT, b STRING` used by DataFrameReader.schema("...") and CREATE statements.

import {
  ArrayType, BinaryType, BooleanType, ByteType, DateType, DecimalType, DoubleType, FloatType, IntegerType,
  LongType, MapType, NullType, ShortType, StringType, StructType, TimestampType, VectorUDT,
  YearMonthIntervalType, DayTimeIntervalType,
  type DataType, type StructField,
} from "../types";
import type { Cursor } from "./cursor";

const SIMPLE: Record<string, DataType> = {
  BOOLEAN: BooleanType,
  TINYINT: ByteType, BYTE: ByteType,
  SMALLINT: ShortType, SHORT: ShortType,
  INT: IntegerType, INTEGER: IntegerType,
  BIGINT: LongType, LONG: LongType,
  FLOAT: FloatType, REAL: FloatType,
  DOUBLE: DoubleType,
  STRING: StringType,
  BINARY: BinaryType,
  DATE: DateType,
  TIMESTAMP: TimestampType, TIMESTAMP_LTZ: TimestampType, TIMESTAMP_NTZ: TimestampType,
  VOID: NullType,
  // pyspark.ml's VectorUDT, so a DDL schema string can hold feature vectors ("id long, features
  // vector"); a workbench extension (Spark's DDL has no name for the UDT; docs/spark-differences.md)
  VECTOR: VectorUDT,
};

/** Parse one data type at the cursor. */
export function parseDataTypeAt(c: Cursor): DataType {
  const t = c.peek();
  if (t.kind !== "word") throw c.fail();
  const name = t.upper;
  const unsupported = () =>
    c.errorAt(t, "UNSUPPORTED_DATATYPE", `Unsupported data type "${name}".`, { typeName: `"${name}"` });
  if (name === "DOUBLE" && c.isKw("PRECISION", 1)) {
    c.next(); c.next();
    return DoubleType;
  }
  if (SIMPLE[name]) {
    c.next();
    return SIMPLE[name]!;
  }
  switch (name) {
    case "INTERVAL": {
      // INTERVAL YEAR [TO MONTH], INTERVAL DAY|HOUR|MINUTE|SECOND [TO HOUR|MINUTE|SECOND]
      const ym = ["YEAR", "MONTH"], dt = ["DAY", "HOUR", "MINUTE", "SECOND"];
      const start = c.peek(1).kind === "word" ? c.peek(1).upper : "";
      const kind = ym.includes(start) ? ym : dt.includes(start) ? dt : undefined;
      if (!kind) throw unsupported();
      c.next(); c.next();
      let end = start;
      if (c.acceptKw("TO")) {
        const e = c.peek();
        if (e.kind !== "word" || !kind.includes(e.upper) || kind.indexOf(e.upper) <= kind.indexOf(start)) throw c.fail();
        end = e.upper;
        c.next();
      }
      return kind === ym ? YearMonthIntervalType(ym.indexOf(start), ym.indexOf(end)) : DayTimeIntervalType(dt.indexOf(start), dt.indexOf(end));
    }
    case "CHAR": case "CHARACTER": case "VARCHAR": {
      // Spark reads CHAR(n)/VARCHAR(n) as string (with a length check we do not model).
      c.next();
      if (c.acceptOp("(")) {
        if (c.peek().kind !== "number") throw c.fail();
        c.next();
        c.expectOp(")");
      } else if (name !== "CHARACTER") {
        throw c.fail();
      }
      return StringType;
    }
    case "DECIMAL": case "DEC": case "NUMERIC": {
      c.next();
      let precision = 10, scale = 0;
      if (c.acceptOp("(")) {
        const pTok = c.peek();
        precision = intArg(c);
        if (c.acceptOp(",")) scale = intArg(c);
        c.expectOp(")");
        if (precision > 38 || precision < 1) {
          throw c.errorAt(pTok, "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION",
            `Decimal precision ${precision} exceeds max precision 38.`, { precision, maxPrecision: 38 });
        }
        if (scale > precision) {
          throw c.errorAt(pTok, "INVALID_DECIMAL_SCALE",
            `Decimal scale (${scale}) cannot be greater than precision (${precision}).`, { scale, precision });
        }
      }
      return DecimalType(precision, scale);
    }
    case "ARRAY": {
      c.next();
      c.expectOp("<");
      const el = parseDataTypeAt(c);
      c.expectOp(">");
      return ArrayType(el, true);
    }
    case "MAP": {
      c.next();
      c.expectOp("<");
      const k = parseDataTypeAt(c);
      c.expectOp(",");
      const v = parseDataTypeAt(c);
      c.expectOp(">");
      return MapType(k, v, true);
    }
    case "STRUCT": {
      c.next();
      if (c.acceptOp("<>")) return { type: "struct", fields: [] };
      c.expectOp("<");
      const fields: StructField[] = [];
      if (!c.isOp(">")) {
        do fields.push(parseColumn(c, true)); while (c.acceptOp(","));
      }
      c.expectOp(">");
      return { type: "struct", fields };
    }
    default:
      throw unsupported();
  }
}

function intArg(c: Cursor): number {
  const t = c.peek();
  if (t.kind !== "number" || !/^\d+$/.test(t.text)) throw c.fail();
  c.next();
  return Number(t.text);
}

/** `name [:] type [NOT NULL] [COMMENT 'text']` (the colon is optional, as in Spark). */
export function parseColumn(c: Cursor, colonAllowed: boolean): StructField {
  const name = c.identifier(true);
  if (colonAllowed) c.acceptOp(":");
  const dataType = parseDataTypeAt(c);
  let nullable = true;
  let comment: string | undefined;
  for (;;) {
    if (c.acceptKws("NOT", "NULL")) { nullable = false; continue; }
    if (c.acceptKw("COMMENT")) { comment = c.stringLiteral(); continue; }
    break;
  }
  const f: StructField = { name, dataType, nullable };
  if (comment !== undefined) f.metadata = { comment };
  return f;
}

/** `a INT, b STRING NOT NULL` (also accepts `struct<...>` whole, as StructType.fromDDL does). */
export function parseTableSchemaAt(c: Cursor): StructType {
  if (c.isKw("STRUCT") && (c.isOp("<", 1) || c.isOp("<>", 1))) {
    const dt = parseDataTypeAt(c);
    return StructType.fromDataType(dt);
  }
  const fields: StructField[] = [];
  if (c.atEnd) return new StructType(fields);
  do fields.push(parseColumn(c, true)); while (c.acceptOp(","));
  return new StructType(fields);
}
