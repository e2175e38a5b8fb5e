// Spark SQL data types and schemas. Shared by the analyzer, the physical operators and the data
// sources (CSV/JSON/Parquet). Values at run time: boolean; number for byte/short/int/float/double
// and for long when it fits a double exactly (bigint otherwise); string; Uint8Array for binary;
// Date for date (UTC midnight) and timestamp; arrays; Map-like plain objects for map; plain
// objects keyed by field name for struct; null for SQL NULL.

export type DataType =
  | { type: "null" }
  | { type: "boolean" }
  | { type: "byte" }
  | { type: "short" }
  | { type: "integer" }
  | { type: "long" }
  | { type: "float" }
  | { type: "double" }
  | { type: "decimal"; precision: number; scale: number }
  | { type: "string" }
  | { type: "binary" }
  | { type: "date" }
  | { type: "timestamp" }
  | { type: "array"; elementType: DataType; containsNull: boolean }
  | { type: "map"; keyType: DataType; valueType: DataType; valueContainsNull: boolean }
  | { type: "struct"; fields: StructField[] }
  /** ANSI year-month interval (YEAR = 0, MONTH = 1); a value is a whole number of months. */
  | { type: "interval_ym"; startField: number; endField: number }
  /** ANSI day-time interval (DAY = 0, HOUR = 1, MINUTE = 2, SECOND = 3); a value is microseconds. */
  | { type: "interval_dt"; startField: number; endField: number }
  /** pyspark.ml's VectorUDT: values are the ML layer's DenseVector / SparseVector objects. */
  | { type: "vector" };

export interface StructField {
  name: string;
  dataType: DataType;
  nullable: boolean;
  metadata?: Record<string, unknown>;
}

export const NullType: DataType = { type: "null" };
export const BooleanType: DataType = { type: "boolean" };
export const ByteType: DataType = { type: "byte" };
export const ShortType: DataType = { type: "short" };
export const IntegerType: DataType = { type: "integer" };
export const LongType: DataType = { type: "long" };
export const FloatType: DataType = { type: "float" };
export const DoubleType: DataType = { type: "double" };
export const StringType: DataType = { type: "string" };
export const BinaryType: DataType = { type: "binary" };
export const DateType: DataType = { type: "date" };
export const TimestampType: DataType = { type: "timestamp" };
export const DecimalType = (precision = 10, scale = 0): DataType => ({ type: "decimal", precision, scale });
export const ArrayType = (elementType: DataType, containsNull = true): DataType => ({ type: "array", elementType, containsNull });
export const MapType = (keyType: DataType, valueType: DataType, valueContainsNull = true): DataType =>
  ({ type: "map", keyType, valueType, valueContainsNull });
/** pyspark.ml.linalg.VectorUDT(): the type of a vector column (printSchema shows `vector`). */
export const VectorUDT: DataType = { type: "vector" };
export const StructField = (name: string, dataType: DataType, nullable = true): StructField => ({ name, dataType, nullable });

/** A schema: an ordered list of fields (Spark's StructType). */
export class StructType {
  readonly type = "struct" as const;
  constructor(readonly fields: StructField[] = []) {}

  add(name: string, dataType: DataType, nullable = true): StructType {
    return new StructType([...this.fields, { name, dataType, nullable }]);
  }
  /** PySpark's StructType.names. */
  get names(): string[] {
    return this.fieldNames;
  }
  get fieldNames(): string[] {
    return this.fields.map((f) => f.name);
  }
  get length(): number {
    return this.fields.length;
  }
  field(name: string): StructField | undefined {
    return this.fields.find((f) => f.name === name) ?? this.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  }
  asDataType(): DataType {
    return { type: "struct", fields: this.fields };
  }
  /** Spark's toDDL: `a INT, b STRING` as `a int, b string` (names back-quoted when needed), what readers' schema() takes. */
  toDDL(): string {
    const q = (n: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : "`" + n.replace(/`/g, "``") + "`");
    return this.fields.map((f) => `${q(f.name)} ${simpleString(f.dataType)}${f.nullable ? "" : " NOT NULL"}`).join(", ");
  }

  /** Spark's simpleString, e.g. struct<a:int,b:string>. */
  simpleString(): string {
    return simpleString(this.asDataType());
  }
  /** Spark's printSchema() tree (StructType.treeString: nested levels indent by " |    |"). */
  treeString(maxDepth = Infinity): string {
    const lines = ["root"];
    const nested = (dt: DataType, prefix: string, depth = 1) => {
      if (depth > maxDepth) return;
      if (dt.type === "struct") {
        for (const f of dt.fields) {
          lines.push(`${prefix}-- ${f.name}: ${typeName(f.dataType)} (nullable = ${f.nullable})`);
          nested(f.dataType, `${prefix}    |`, depth + 1);
        }
      } else if (dt.type === "array") {
        lines.push(`${prefix}-- element: ${typeName(dt.elementType)} (containsNull = ${dt.containsNull})`);
        nested(dt.elementType, `${prefix}    |`, depth + 1);
      } else if (dt.type === "map") {
        lines.push(`${prefix}-- key: ${typeName(dt.keyType)}`);
        nested(dt.keyType, `${prefix}    |`, depth + 1);
        lines.push(`${prefix}-- value: ${typeName(dt.valueType)} (valueContainsNull = ${dt.valueContainsNull})`);
        nested(dt.valueType, `${prefix}    |`, depth + 1);
      }
    };
    nested(this.asDataType(), " |");
    return lines.join("\n") + "\n";
  }
  toJSON(): DataType {
    return this.asDataType();
  }
  static fromDataType(dt: DataType): StructType {
    if (dt.type !== "struct") throw new TypeError(`not a struct type: ${simpleString(dt)}`);
    return new StructType(dt.fields);
  }

  /** A schema that may have crossed the driver -> worker wire as plain data (`{ fields }`). */
  static of(s: StructType | { fields: StructField[] }): StructType {
    return s instanceof StructType ? s : new StructType(s.fields);
  }
}

/** Name as printSchema shows it (integer, string, array, struct, ...). */
export function typeName(dt: DataType): string {
  return dt.type === "decimal" ? `decimal(${dt.precision},${dt.scale})` : dt.type === "null" ? "void" : dt.type;
}

/** Spark's simpleString: int, bigint, string, array<int>, struct<a:int>, decimal(10,2). */
export const YM_FIELDS = ["year", "month"] as const;
export const DT_FIELDS = ["day", "hour", "minute", "second"] as const;
export const YearMonthIntervalType = (startField = 0, endField = 1): DataType => ({ type: "interval_ym", startField, endField });
export const DayTimeIntervalType = (startField = 0, endField = 3): DataType => ({ type: "interval_dt", startField, endField });

/** `interval year to month`, `interval day`, `interval hour to second` (Spark's typeName). */
function intervalTypeName(names: readonly string[], start: number, end: number): string {
  return start === end ? `interval ${names[start]}` : `interval ${names[start]} to ${names[end]}`;
}

export function isInterval(dt: DataType): boolean {
  return dt.type === "interval_ym" || dt.type === "interval_dt";
}

export function simpleString(dt: DataType): string {
  switch (dt.type) {
    case "interval_ym": return intervalTypeName(YM_FIELDS, dt.startField, dt.endField);
    case "interval_dt": return intervalTypeName(DT_FIELDS, dt.startField, dt.endField);
    case "null": return "void";
    case "boolean": return "boolean";
    case "byte": return "tinyint";
    case "short": return "smallint";
    case "integer": return "int";
    case "long": return "bigint";
    case "float": return "float";
    case "double": return "double";
    case "decimal": return `decimal(${dt.precision},${dt.scale})`;
    case "string": return "string";
    case "binary": return "binary";
    case "date": return "date";
    case "timestamp": return "timestamp";
    case "array": return `array<${simpleString(dt.elementType)}>`;
    case "map": return `map<${simpleString(dt.keyType)},${simpleString(dt.valueType)}>`;
    case "struct": return `struct<${dt.fields.map((f) => `${f.name}:${simpleString(f.dataType)}`).join(",")}>`;
    case "vector": return "vector";
  }
}

export function isNumeric(dt: DataType): boolean {
  return ["byte", "short", "integer", "long", "float", "double", "decimal"].includes(dt.type);
}

export function typesEqual(a: DataType, b: DataType): boolean {
  return simpleString(a) === simpleString(b);
}

/** The exact bounds of Spark's integral types (Java's byte, short, int, long): the one table every range check uses. */
export const INTEGRAL_RANGES: Readonly<Record<"byte" | "short" | "integer" | "long", readonly [bigint, bigint]>> = {
  byte: [-128n, 127n], short: [-32768n, 32767n], integer: [-2147483648n, 2147483647n], long: [-9223372036854775808n, 9223372036854775807n],
};
/** The same bounds as doubles (exact for byte, short and integer; long's are 2^63 rounded). */
export const INTEGRAL_RANGES_NUM: Readonly<Record<string, readonly [number, number]>> = Object.fromEntries(
  Object.entries(INTEGRAL_RANGES).map(([t, [lo, hi]]) => [t, [Number(lo), Number(hi)] as const]),
);

