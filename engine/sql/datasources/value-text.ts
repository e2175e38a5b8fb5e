// Value -> text for the text writers (CSV cells), matching how Spark prints values: doubles
// like Java's Double.toString (1.0, 1.0E20), dates yyyy-MM-dd, timestamps in the ISO pattern.

import { decimalText } from "../../common/decimal";
import type { DataType } from "../types";
import { javaDoubleToString } from "../text-format";
import { formatDate, formatTimestampIso } from "./datetime";
import { formatWithSparkPattern } from "../expressions/datetime-format";
import { UTC } from "../time-zone";

export interface TextFormats {
  date: (d: Date) => string;
  timestamp: (d: Date) => string;
}

/** Date and timestamp writers; timestamps print on the wall clock of `tz` (the timeZone option). */
export function textFormats(dateFormat?: string, timestampFormat?: string, tz: string = UTC): TextFormats {
  return {
    date: dateFormat ? (d) => formatWithSparkPattern(d, dateFormat, UTC) : formatDate,
    timestamp: timestampFormat ? (d) => formatWithSparkPattern(d, timestampFormat, tz) : (d) => formatTimestampIso(d, tz),
  };
}

/** Text of a non-null scalar value of type `dt`. */
export function valueToText(v: unknown, dt: DataType, f: TextFormats): string {
  switch (dt.type) {
    case "double": case "float": return typeof v === "number" ? javaDoubleToString(v) : String(v);
    case "date": return v instanceof Date ? f.date(v) : String(v);
    case "timestamp": return v instanceof Date ? f.timestamp(v) : String(v);
    case "binary": return v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : String(v);
    case "decimal": return decimalText(v, dt.scale);
    default:
      if (v instanceof Date) return f.timestamp(v);
      if (typeof v === "object" && v !== null) return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x));
      return String(v);
  }
}
