// Delta's text forms of values: partition values in add.partitionValues and dates in stats.

import type { DataType } from "../sql/types";
import { castPartitionValue } from "../sql/datasources/partition-values";

export function formatDateValue(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The partitionValues string Delta stores for a value (null stays null). */
export function partitionValueString(v: unknown, dt: DataType): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) {
    if (dt.type === "date") return formatDateValue(v);
    const iso = v.toISOString(); // yyyy-MM-ddTHH:mm:ss.SSSZ
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${iso.slice(19, 23) === ".000" ? "" : iso.slice(19, 23)}`;
  }
  return String(v);
}

/** A partition value from the log, typed by the schema (null and "" are null, as in Delta). */
export function parsePartitionValue(s: string | null | undefined, dt: DataType): unknown {
  if (s === null || s === undefined) return null;
  if (s === "" && dt.type !== "string") return null;
  if (dt.type === "timestamp" && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(s)) return new Date(s.replace(" ", "T") + "Z");
  return castPartitionValue(s, dt);
}
