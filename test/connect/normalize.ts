// Rows from the embedded engine and from Spark (through Spark Connect) in one comparable form:
// numbers rounded to 12 significant digits (64-bit integers as numbers, exact text beyond 2^53), dates as ISO text,
// structs and maps as plain objects with sorted keys, arrays kept in order.

export function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  // 64-bit integers and whole decimals beyond 2^53 stay exact (their text); Decimal objects give theirs by toJSON.
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === "number") return Number.isFinite(v) ? Number(v.toPrecision(12)) : String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), normalize(x)]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)));
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === "object") {
    const o = typeof (v as { toJSON?: unknown }).toJSON === "function" ? (v as { toJSON(): unknown }).toJSON() : v;
    if (o !== v) return normalize(o);
    return Object.fromEntries(Object.entries(o as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, normalize(x)]));
  }
  return v;
}

/** A result as comparable text: columns, then positional rows (sorted unless the query orders them). */
export function resultText(columns: string[], rows: unknown[][], ordered: boolean): string {
  const lines = rows.map((r) => JSON.stringify(r.map(normalize)));
  if (!ordered) lines.sort();
  return [columns.join(","), ...lines].join("\n");
}
