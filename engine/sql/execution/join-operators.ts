// Worker-side hash join operators of the physical plan (shuffled, partition-wise and broadcast),
// registered as shippables by name like the rest of ./operators. Rows are arrays.

import { registerShippable } from "../../common/closure";
import { normalizeKey, type NormalKey } from "../../common/keys";
import type { Expr } from "../expressions/expression";
import { compileExpr } from "../expressions/eval";
import type { RowFn } from "../expressions/registry";
import { ctxFor, type ExecConf, type Row } from "./operators";

export interface JoinSpec {
  joinType: "inner" | "left" | "right" | "full" | "left_semi" | "left_anti" | "cross";
  leftKeys: Expr[];
  rightKeys: Expr[];
  /** Residual condition bound to [...leftRow, ...rightRow]. */
  condition?: Expr;
  leftWidth: number;
  rightWidth: number;
  /** Null-safe equality per key (<=>). */
  nullSafe: boolean[];
  conf: ExecConf;
}

type Table = Map<NormalKey, Row[]>;

function buildTable(keyFns: RowFn[], rows: Iterable<Row>, nullSafe: boolean[]): { table: Table; all: Row[] } {
  const table: Table = new Map();
  const all: Row[] = [];
  for (const row of rows) {
    all.push(row);
    const key = keyFns.map((f) => f(row));
    if (key.some((k, i) => (k === null || k === undefined) && !nullSafe[i])) continue;
    const nk = normalizeKey(key.length === 1 ? key[0] : key);
    const bucket = table.get(nk);
    if (bucket) bucket.push(row); else table.set(nk, [row]);
  }
  return { table, all };
}

/**
 * Hash join of one partition: `stream` is probed against a table built from `build`. The build
 * side is the right input except for right outer joins (built on the left, like Spark's BuildLeft).
 */
export function* hashJoinRows(spec: JoinSpec, partition: number, left: Iterable<Row>, right: Iterable<Row>): Generator<Row> {
  const ctx = ctxFor(spec.conf, partition);
  const lk = spec.leftKeys.map((e) => compileExpr(e, ctx));
  const rk = spec.rightKeys.map((e) => compileExpr(e, ctx));
  const cond = spec.condition ? compileExpr(spec.condition, ctx) : undefined;
  const nullsL = new Array(spec.leftWidth).fill(null), nullsR = new Array(spec.rightWidth).fill(null);
  const keyOf = (fns: RowFn[], row: Row): NormalKey | undefined => {
    const key = fns.map((f) => f(row));
    if (key.some((k, i) => (k === null || k === undefined) && !spec.nullSafe[i])) return undefined;
    return normalizeKey(key.length === 1 ? key[0] : key);
  };
  if (spec.joinType === "right") {
    const { table } = buildTable(lk, left, spec.nullSafe);
    for (const r of right) {
      const k = keyOf(rk, r);
      let matched = false;
      if (k !== undefined) {
        for (const l of table.get(k) ?? []) {
          const joined = [...l, ...r];
          if (cond && cond(joined) !== true) continue;
          matched = true;
          yield joined;
        }
      }
      if (!matched) yield [...nullsL, ...r];
    }
    return;
  }
  const { table, all } = buildTable(rk, right, spec.nullSafe);
  const matchedRight = spec.joinType === "full" ? new Set<Row>() : undefined;
  const noKeys = lk.length === 0;
  for (const l of left) {
    const k = noKeys ? undefined : keyOf(lk, l);
    const candidates = noKeys ? all : k === undefined ? [] : table.get(k) ?? [];
    let matched = false;
    for (const r of candidates) {
      const joined = [...l, ...r];
      if (cond && cond(joined) !== true) continue;
      matched = true;
      if (spec.joinType === "left_semi" || spec.joinType === "left_anti") break;
      matchedRight?.add(r);
      yield joined;
    }
    if (spec.joinType === "left_semi" && matched) yield l;
    else if (spec.joinType === "left_anti" && !matched) yield l;
    else if (!matched && (spec.joinType === "left" || spec.joinType === "full")) yield [...l, ...nullsR];
  }
  if (matchedRight) for (const r of all) if (!matchedRight.has(r)) yield [...nullsL, ...r];
}

export const shuffledHashJoin = registerShippable("sql.shuffledHashJoin", function shuffledHashJoin(spec: JoinSpec, left: Iterable<[unknown, Row]>, right: Iterable<[unknown, Row]>): Iterable<Row> {
  const strip = function* (it: Iterable<[unknown, Row]>) { for (const kv of it) yield kv[1]; };
  return hashJoinRows(spec, 0, strip(left), strip(right));
});

export const joinPartitions = registerShippable("sql.joinPartitions", function joinPartitions(spec: JoinSpec, left: Iterable<Row>, right: Iterable<Row>): Iterable<Row> {
  return hashJoinRows(spec, 0, left, right);
});

/** Broadcast hash join: the streamed side's partition against the broadcast rows. */
export const broadcastJoin = registerShippable("sql.broadcastJoin", function broadcastJoin(spec: JoinSpec, broadcast: { readonly value: Row[] }, buildLeft: boolean, partition: number, stream: Iterable<Row>): Iterable<Row> {
  const built = broadcast.value;
  return buildLeft ? hashJoinRows(spec, partition, built, stream) : hashJoinRows(spec, partition, stream, built);
});
