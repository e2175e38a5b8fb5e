// Vector clocks (Lamport 1978; Dynamo §4.4): one counter per coordinating node. a happened
// before b when every counter of a is <= b's and one is smaller; otherwise two distinct clocks
// are concurrent, and both values are kept as siblings for the caller to resolve.

export type VectorClock = Readonly<Record<string, number>>;
export type ClockOrder = "before" | "after" | "equal" | "concurrent";

export function compareClocks(a: VectorClock, b: VectorClock): ClockOrder {
  let less = false, more = false;
  for (const n of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[n] ?? 0, y = b[n] ?? 0;
    if (x < y) less = true;
    if (x > y) more = true;
  }
  return less && more ? "concurrent" : less ? "before" : more ? "after" : "equal";
}

export function mergeClocks(...clocks: VectorClock[]): VectorClock {
  const out: Record<string, number> = {};
  for (const c of clocks) for (const [n, v] of Object.entries(c)) out[n] = Math.max(out[n] ?? 0, v);
  return out;
}

export function incrementClock(c: VectorClock, node: string): VectorClock {
  return { ...c, [node]: (c[node] ?? 0) + 1 };
}

export function formatClock(c: VectorClock): string {
  return "[" + Object.keys(c).sort().map((n) => `${n}:${c[n]}`).join(", ") + "]";
}
