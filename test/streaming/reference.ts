// A plain JS model of Spark's windowed streaming count with a watermark, written from the
// Structured Streaming guide's rules (not from the engine): an event lands in every window that
// covers it; a (window, key) group whose window ended at or before the batch's watermark is
// dropped; update mode emits the groups a batch changed, append mode emits a group once when the
// watermark passes its end, complete mode the whole table; state the watermark passed is evicted;
// the next batch's watermark is max(event time) - delay; a batch without data runs whenever the
// watermark moved (append/update).

export interface Ev { key: string; t: number }
export type Mode = "append" | "update" | "complete";
export interface RefBatch { rows: string[]; dropped: number; stateRows: number; watermark: number }

export function windowsOf(t: number, size: number, slide: number): number[] {
  const starts: number[] = [];
  const last = t - (((t % slide) + slide) % slide);
  for (let s = last; s > t - size; s -= slide) starts.push(s);
  return starts.reverse();
}

/** "start end key count" text of one output row (ms since epoch), for comparisons. */
export const rowText = (start: number, end: number, key: string, n: number): string => `${start} ${end} ${key} ${n}`;

export function referenceWindowedCounts(batches: Ev[][], o: { size: number; slide: number; delay: number; mode: Mode }): RefBatch[] {
  const state = new Map<string, { start: number; key: string; n: number }>();
  let wm = 0, maxT = -Infinity;
  const out: RefBatch[] = [];
  const run = (events: Ev[]) => {
    const used = wm;
    const changed = new Set<string>();
    const droppedKeys = new Set<string>();
    for (const e of events) {
      for (const s of windowsOf(e.t, o.size, o.slide)) {
        const id = `${s}|${e.key}`;
        if (o.mode !== "complete" && s + o.size <= used) { droppedKeys.add(id); continue; }
        const cur = state.get(id) ?? { start: s, key: e.key, n: 0 };
        cur.n++;
        state.set(id, cur);
        changed.add(id);
      }
      maxT = Math.max(maxT, e.t);
    }
    const rows: string[] = [];
    const text = (g: { start: number; key: string; n: number }) => rowText(g.start, g.start + o.size, g.key, g.n);
    if (o.mode === "complete") for (const g of state.values()) rows.push(text(g));
    if (o.mode === "update") for (const id of changed) rows.push(text(state.get(id)!));
    if (o.mode !== "complete") {
      for (const [id, g] of [...state]) {
        if (g.start + o.size <= used) {
          if (o.mode === "append") rows.push(text(g));
          state.delete(id);
        }
      }
    }
    out.push({ rows: rows.sort(), dropped: droppedKeys.size, stateRows: state.size, watermark: used });
    if (maxT > -Infinity) wm = Math.max(wm, maxT - o.delay);
    return used;
  };
  for (const b of batches) {
    const used = run(b);
    if (o.mode !== "complete" && wm > used) run([]);
  }
  return out;
}
