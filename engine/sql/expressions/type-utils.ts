// Type coercion rules of Spark 3 (non-ANSI by default): wider numeric types, string promotion
// for comparisons and arithmetic, decimal result types. The analyzer uses them to insert casts so
// the evaluator only ever sees operands of the same type.

import {
  type DataType, DoubleType, LongType, StringType, IntegerType, NullType, BooleanType, DecimalType, TimestampType,
  isNumeric, isInterval, simpleString, typesEqual,
} from "../types";

const NUMERIC_ORDER = ["byte", "short", "integer", "long", "float", "double"] as const;

export function isIntegral(dt: DataType): boolean {
  return dt.type === "byte" || dt.type === "short" || dt.type === "integer" || dt.type === "long";
}

export function isFractional(dt: DataType): boolean {
  return dt.type === "float" || dt.type === "double";
}

export function isDateLike(dt: DataType): boolean {
  return dt.type === "date" || dt.type === "timestamp";
}

/** Is a string-valued type (string only; chars/varchars are strings here). */
export function isString(dt: DataType): boolean {
  return dt.type === "string";
}

export function isAtomic(dt: DataType): boolean {
  return !(dt.type === "array" || dt.type === "map" || dt.type === "struct");
}

/** The decimal an integral type fits in exactly (Spark's DecimalType.forType). */
export function decimalForIntegral(dt: DataType): DataType & { type: "decimal" } {
  switch (dt.type) {
    case "byte": return { type: "decimal", precision: 3, scale: 0 };
    case "short": return { type: "decimal", precision: 5, scale: 0 };
    case "integer": return { type: "decimal", precision: 10, scale: 0 };
    case "long": return { type: "decimal", precision: 20, scale: 0 };
    case "decimal": return dt;
    default: return { type: "decimal", precision: 38, scale: 18 };
  }
}

export function boundedDecimal(precision: number, scale: number): DataType {
  if (precision <= 38) return DecimalType(precision, scale);
  // Spark's adjustPrecisionScale: keep at least 6 fractional digits when precision overflows.
  const intDigits = precision - scale;
  const minScale = Math.min(scale, 6);
  const adjScale = Math.max(38 - intDigits, minScale);
  return DecimalType(38, adjScale);
}

/** Wider of two decimal-compatible types. */
function widerDecimal(a: DataType, b: DataType): DataType {
  const x = decimalForIntegral(a), y = decimalForIntegral(b);
  const scale = Math.max(x.scale, y.scale);
  const range = Math.max(x.precision - x.scale, y.precision - y.scale);
  // Spark 4 keeps the integral digits first (boundedPreferIntegralDigits): the scale gives way.
  if (range + scale <= 38) return DecimalType(range + scale, scale);
  return DecimalType(38, Math.max(0, scale - (range + scale - 38)));
}

/** Tightest common type of two numeric types. */
export function widerNumeric(a: DataType, b: DataType): DataType {
  if (a.type === "decimal" || b.type === "decimal") {
    if (isFractional(a) || isFractional(b)) return DoubleType;
    return widerDecimal(a, b);
  }
  const ia = NUMERIC_ORDER.indexOf(a.type as never), ib = NUMERIC_ORDER.indexOf(b.type as never);
  return ia >= ib ? a : b;
}

/**
 * Spark's findWiderTypeForTwo with string promotion (used by coalesce, CASE, IN, UNION, greatest...):
 * undefined when there is no common type.
 */
export function widerType(a: DataType, b: DataType): DataType | undefined {
  if (typesEqual(a, b)) return a;
  if (a.type === "null") return b;
  if (b.type === "null") return a;
  if (isNumeric(a) && isNumeric(b)) return widerNumeric(a, b);
  if (isDateLike(a) && isDateLike(b)) return TimestampType;
  // Intervals of one kind widen to the union of their fields (INTERVAL HOUR and INTERVAL MINUTE: HOUR TO MINUTE).
  if ((a.type === "interval_ym" || a.type === "interval_dt") && a.type === b.type) {
    return { type: a.type, startField: Math.min(a.startField, (b as typeof a).startField), endField: Math.max(a.endField, (b as typeof a).endField) };
  }
  if (a.type === "string" && isAtomic(b) && b.type !== "binary" && b.type !== "boolean") return StringType;
  if (b.type === "string" && isAtomic(a) && a.type !== "binary" && a.type !== "boolean") return StringType;
  if (a.type === "array" && b.type === "array") {
    const el = widerType(a.elementType, b.elementType);
    return el && { type: "array", elementType: el, containsNull: a.containsNull || b.containsNull };
  }
  if (a.type === "map" && b.type === "map") {
    const k = widerType(a.keyType, b.keyType), v = widerType(a.valueType, b.valueType);
    return k && v && { type: "map", keyType: k, valueType: v, valueContainsNull: a.valueContainsNull || b.valueContainsNull };
  }
  if (a.type === "struct" && b.type === "struct" && a.fields.length === b.fields.length) {
    const fields = [];
    for (let i = 0; i < a.fields.length; i++) {
      const fa = a.fields[i]!, fb = b.fields[i]!;
      if (fa.name.toLowerCase() !== fb.name.toLowerCase()) return undefined;
      const t = widerType(fa.dataType, fb.dataType);
      if (!t) return undefined;
      fields.push({ name: fa.name, dataType: t, nullable: fa.nullable || fb.nullable });
    }
    return { type: "struct", fields };
  }
  return undefined;
}

export function widerTypeOf(types: DataType[]): DataType | undefined {
  let t: DataType | undefined = NullType;
  for (const x of types) {
    t = widerType(t, x);
    if (!t) return undefined;
  }
  return t;
}

/** Common type for a binary comparison (Spark 3 non-ANSI findCommonTypeForBinaryComparison). */
export function comparisonType(a: DataType, b: DataType): DataType | undefined {
  if (typesEqual(a, b)) return a;
  if (a.type === "null") return b;
  if (b.type === "null") return a;
  if (isNumeric(a) && isNumeric(b)) return widerNumeric(a, b);
  if (a.type === "string" && b.type === "date" || a.type === "date" && b.type === "string") return { type: "date" };
  if (a.type === "string" && b.type === "timestamp" || a.type === "timestamp" && b.type === "string") return TimestampType;
  if (isDateLike(a) && isDateLike(b)) return TimestampType;
  // A string compared with an atomic non-string value is cast to the other side's type (not to an
  // interval: Spark has no implicit string-to-interval cast there).
  if (isInterval(a) && b.type === "string" || a.type === "string" && isInterval(b)) return undefined;
  if (a.type === "string" && isAtomic(b) && b.type !== "binary") return b.type === "decimal" ? DoubleType : b;
  if (b.type === "string" && isAtomic(a) && a.type !== "binary") return a.type === "decimal" ? DoubleType : a;
  return widerType(a, b);
}

/**
 * The type Spark gives an integral literal beside a decimal in arithmetic: just the digits it
 * needs (DecimalType.fromLiteral: 1000 is decimal(4,0)), not the whole int's decimal(10,0).
 */
export function literalOperandType(e: { kind: string; value?: unknown }, t: DataType, other: DataType): DataType {
  if (other.type !== "decimal" || !isIntegral(t) || e.kind !== "lit" || e.value === null || e.value === undefined) return t;
  return DecimalType(String(e.value).replace("-", "").length, 0);
}

/** Result type for + - * % with numeric (or string, promoted to double) operands. */
export function arithmeticType(op: string, a: DataType, b: DataType): DataType | undefined {
  const na = a.type === "string" ? DoubleType : a.type === "null" ? (b.type === "null" ? IntegerType : b) : a;
  const nb = b.type === "string" ? DoubleType : b.type === "null" ? na : b;
  const na2 = na.type === "string" ? DoubleType : na;
  if (!isNumeric(na2) || !isNumeric(nb)) return undefined;
  if (na2.type === "decimal" || nb.type === "decimal") {
    if (isFractional(na2) || isFractional(nb)) return DoubleType;
    const x = decimalForIntegral(na2), y = decimalForIntegral(nb);
    switch (op) {
      case "+": case "-": {
        const scale = Math.max(x.scale, y.scale);
        return boundedDecimal(Math.max(x.precision - x.scale, y.precision - y.scale) + scale + 1, scale);
      }
      case "*": return boundedDecimal(x.precision + y.precision + 1, x.scale + y.scale);
      case "/": {
        const scale = Math.max(6, x.scale + y.precision + 1);
        return boundedDecimal(x.precision - x.scale + y.scale + scale, scale);
      }
      case "%": {
        const scale = Math.max(x.scale, y.scale);
        return boundedDecimal(Math.min(x.precision - x.scale, y.precision - y.scale) + scale, scale);
      }
    }
  }
  if (op === "/") return DoubleType;
  return widerNumeric(na2, nb);
}

export { simpleString, typesEqual, isNumeric, BooleanType, LongType, DoubleType, StringType };

/** Render a type for DATATYPE_MISMATCH messages: "INT", "STRING", "ARRAY<INT>". */
export function sqlTypeName(dt: DataType): string {
  return `"${simpleString(dt).toUpperCase()}"`;
}
