// The stream-stream join's state task, run on the workers (Spark's StreamingSymmetricHashJoinExec
// over its two state stores): both sides' rows of a batch, shuffled by their equi-join key into
// the operator's state partitions, meet partition i's buffered rows of both sides in task i. New
// left rows are joined with every right row of their key (buffered and new), buffered left rows
// with the new right rows; the whole join condition decides each pair. Each buffered row
// remembers whether it ever matched, so an outer join emits its unmatched rows, padded with
// nulls, when the watermark evicts them, and a left semi join emits a left row once, at its
// first match. Input rows at or before the previous batch's watermark are late and dropped.
// Imported by engine/worker-preload.ts (through ./state-tasks.ts's neighbours in the preload).

import { registerShippable } from "../common/closure";
import { canonical } from "../common/keys";
import type { Expr } from "../sql/expressions/expression";
import { compileExpr } from "../sql/expressions/eval";
import { ctxFor, type ExecConf } from "../sql/execution/operators";
import type { StatePartition } from "./state-store";
import { commitTask, eventTimeMs, openStatePartition, type StateTaskResult } from "./state-tasks";

export interface JoinStateSpec {
  runId: string;
  leftDir: string;
  rightDir: string;
  version: number;
  batchId: number;
  joinType: "inner" | "left" | "right" | "full" | "left_semi";
  /** The join condition bound to [...leftRow, ...rightRow]. */
  condition?: Expr;
  conf: ExecConf;
  leftWidth: number;
  rightWidth: number;
  leftTimeIdx?: number;
  rightTimeIdx?: number;
  /** rightTime - leftTime must lie in [lo, hi] (Spark's time-interval condition); ±Infinity when unbounded. */
  lo: number;
  hi: number;
  watermarkMs: number;
  lateWatermarkMs: number;
}

/** A row of either side tagged for the shuffle: [equi-key text, [side (0 left, 1 right), row]]. */
export type SideRow = [string, [0 | 1, unknown[]]];

/** Key each row of one side by its equi-join key values (evaluated on the worker). */
export const keyJoinSide = registerShippable("streaming.keyJoinSide", function* keyJoinSide(side: 0 | 1, keys: Expr[], conf: ExecConf, partition: number, it: Iterable<unknown[]>): Generator<SideRow> {
  const ctx = ctxFor(conf, partition);
  const fns = keys.map((k) => compileExpr(k, ctx));
  for (const row of it) yield [canonical(fns.map((f) => f(row))), [side, row]];
});

/** A buffered row: [row, matched], stored under [equi-key text, batch id, index in the batch]. */
type Buffered = [row: unknown[], matched: boolean];
interface Slot { key: unknown[]; buf: Buffered; old: boolean; was: boolean }

function byKey(slots: Slot[]): Map<string, Slot[]> {
  const m = new Map<string, Slot[]>();
  for (const s of slots) {
    const k = s.key[0] as string;
    const list = m.get(k);
    if (list) list.push(s); else m.set(k, [s]);
  }
  return m;
}

export const joinState = registerShippable("streaming.joinState", function joinState(spec: JoinStateSpec, partition: number, it: Iterable<SideRow>): StateTaskResult[] {
  const left = openStatePartition(spec.runId, spec.leftDir, partition, spec.version);
  const right = openStatePartition(spec.runId, spec.rightDir, partition, spec.version);
  const ctx = ctxFor(spec.conf, partition);
  const cond = spec.condition ? compileExpr(spec.condition, ctx) : undefined;
  let dropped = 0;
  const fresh: [Slot[], Slot[]] = [[], []];
  const count = [0, 0];
  for (const [kt, [side, row]] of it) {
    const idx = side === 0 ? spec.leftTimeIdx : spec.rightTimeIdx;
    const t = idx === undefined ? undefined : eventTimeMs(row[idx]);
    if (t !== undefined && t <= spec.lateWatermarkMs) { dropped++; continue; }
    fresh[side].push({ key: [kt, spec.batchId, count[side]!++], buf: [row, false], old: false, was: false });
  }
  const buffered = (s: StatePartition): Slot[] => [...s.entries()].map((e) => {
    const buf = e.value as Buffered;
    return { key: e.key, buf: [buf[0], buf[1]], old: true, was: buf[1] };
  });
  const oldLeft = buffered(left), oldRight = buffered(right);
  const [newLeft, newRight] = fresh;
  const rightAll = byKey([...oldRight, ...newRight]), rightNew = byKey(newRight);
  const rows: unknown[][] = [];
  const probe = (l: Slot, candidates: Slot[] | undefined) => {
    for (const r of candidates ?? []) {
      if (cond && cond([...l.buf[0], ...r.buf[0]]) !== true) continue;
      if (spec.joinType === "left_semi") { if (!l.buf[1]) rows.push(l.buf[0]); } else rows.push([...l.buf[0], ...r.buf[0]]);
      l.buf[1] = true; r.buf[1] = true;
    }
  };
  for (const l of newLeft) probe(l, rightAll.get(l.key[0] as string));
  for (const l of oldLeft) probe(l, rightNew.get(l.key[0] as string));
  // Buffer the new rows; keep the matched flags of the buffered ones.
  for (const [store, slots] of [[left, [...oldLeft, ...newLeft]], [right, [...oldRight, ...newRight]]] as const) {
    for (const s of slots) if (!s.old || s.buf[1] !== s.was) store.put(s.key, s.buf);
  }
  // Evict what no future row (event time > watermark) can match; an outer side's unmatched rows
  // leave with nulls for the other side.
  const evict = (store: StatePartition, idx: number | undefined, bound: number, pad: (row: unknown[]) => unknown[] | undefined) => {
    if (idx === undefined || !Number.isFinite(bound)) return;
    for (const e of [...store.entries()]) {
      const [row, matched] = e.value as Buffered;
      const t = eventTimeMs(row[idx]);
      if (t === undefined || t > bound) continue;
      store.remove(e.key);
      const out = matched ? undefined : pad(row);
      if (out) rows.push(out);
    }
  };
  const outerLeft = spec.joinType === "left" || spec.joinType === "full", outerRight = spec.joinType === "right" || spec.joinType === "full";
  evict(left, spec.leftTimeIdx, spec.watermarkMs - spec.hi, (row) => (outerLeft ? [...row, ...new Array<null>(spec.rightWidth).fill(null)] : undefined));
  evict(right, spec.rightTimeIdx, spec.watermarkMs + spec.lo, (row) => (outerRight ? [...new Array<null>(spec.leftWidth).fill(null), ...row] : undefined));
  return commitTask([left, right], rows, dropped);
});
