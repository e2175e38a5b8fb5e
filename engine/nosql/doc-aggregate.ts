// MongoDB's aggregation pipeline over a collection's documents: $match, $project, $sort, $skip,
// $limit, $unwind, $group (accumulators $sum $avg $min $max $push $addToSet $first $last $count),
// $lookup (left outer join against another collection) and $count. Field references are "$a.b"
// strings; any other value is a constant. Stages run on the gathered documents (the scatter-gather
// happened in the collection's scan).

import { AnalysisError } from "../common/errors";
import { compareValues, matches, type Doc, type Filter } from "./doc-query";

export type AggregationStage = Record<string, unknown>;

/** The value at a dot path; through arrays it collects each element's value (as MongoDB does). */
export function fieldValue(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split(".")) {
    if (Array.isArray(cur)) cur = cur.map((x) => (x !== null && typeof x === "object" ? (x as Doc)[part] : undefined)).filter((x) => x !== undefined);
    else if (cur !== null && typeof cur === "object") cur = (cur as Doc)[part];
    else return undefined;
  }
  return cur;
}

function evalExpr(doc: Doc, e: unknown): unknown {
  if (typeof e === "string" && e.startsWith("$")) return fieldValue(doc, e.slice(1));
  if (e !== null && typeof e === "object" && !Array.isArray(e)) return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, evalExpr(doc, v)]));
  return e;
}

function setPath(doc: Doc, path: string, v: unknown): void {
  const parts = path.split(".");
  let cur = doc;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Doc;
  cur[parts[parts.length - 1]!] = v;
}

const ACCUMULATORS = ["$sum", "$avg", "$min", "$max", "$push", "$addToSet", "$first", "$last", "$count"];

function group(docs: Doc[], spec: Record<string, unknown>): Doc[] {
  if (!("_id" in spec)) throw new AnalysisError("INVALID_PIPELINE", "$group needs an _id expression (use _id: null for one group).", { parameters: { stage: "$group" } });
  const groups = new Map<string, { id: unknown; docs: Doc[] }>();
  for (const d of docs) {
    const id = evalExpr(d, spec._id) ?? null;
    const k = JSON.stringify(id);
    (groups.get(k) ?? groups.set(k, { id, docs: [] }).get(k)!).docs.push(d);
  }
  return [...groups.values()].map(({ id, docs: ds }) => {
    const out: Doc = { _id: id };
    for (const [field, acc] of Object.entries(spec)) {
      if (field === "_id") continue;
      const entries = acc !== null && typeof acc === "object" ? Object.entries(acc) : [];
      if (entries.length !== 1 || !ACCUMULATORS.includes(entries[0]![0])) throw new AnalysisError("UNKNOWN_ACCUMULATOR", `$group field '${field}' must be one of ${ACCUMULATORS.join(", ")}, got ${JSON.stringify(acc)}.`, { parameters: { field } });
      const [op, e] = entries[0]!;
      const vals = ds.map((d) => evalExpr(d, e));
      const nums = vals.filter((v): v is number => typeof v === "number");
      const present = vals.filter((v) => v !== undefined);
      switch (op) {
        case "$sum": out[field] = nums.reduce((a, b) => a + b, 0); break;
        case "$count": out[field] = ds.length; break;
        case "$avg": out[field] = nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : null; break;
        case "$min": out[field] = present.length ? present.reduce((a, b) => (compareValues(b, a) < 0 ? b : a)) : null; break;
        case "$max": out[field] = present.length ? present.reduce((a, b) => (compareValues(b, a) > 0 ? b : a)) : null; break;
        case "$push": out[field] = present; break;
        case "$addToSet": out[field] = [...new Map(present.map((v) => [JSON.stringify(v), v])).values()]; break;
        case "$first": out[field] = vals[0] ?? null; break;
        case "$last": out[field] = vals[vals.length - 1] ?? null; break;
      }
    }
    return out;
  });
}

function project(d: Doc, spec: Record<string, unknown>): Doc {
  const entries = Object.entries(spec);
  const excluding = entries.every(([, v]) => v === 0 || v === false);
  if (excluding) {
    const out = structuredClone(d);
    for (const [k] of entries) {
      const parts = k.split(".");
      let cur: unknown = out;
      for (const p of parts.slice(0, -1)) cur = cur !== null && typeof cur === "object" ? (cur as Doc)[p] : undefined;
      if (cur !== null && typeof cur === "object") delete (cur as Doc)[parts[parts.length - 1]!];
    }
    return out;
  }
  const out: Doc = {};
  if (spec._id === undefined) out._id = d._id;
  for (const [k, v] of entries) {
    if (v === 0 || v === false) { if (k !== "_id") throw new AnalysisError("INVALID_PIPELINE", `$project cannot mix inclusion and exclusion (field '${k}').`, { parameters: { field: k } }); continue; }
    const val = v === 1 || v === true ? fieldValue(d, k) : evalExpr(d, v);
    if (val !== undefined) setPath(out, k, val);
  }
  return out;
}

/** Runs a pipeline; `collection(name)` returns another collection's documents for $lookup. */
export function runPipeline(input: Doc[], pipeline: AggregationStage[], collection: (name: string) => Doc[]): Doc[] {
  if (!Array.isArray(pipeline)) throw new AnalysisError("INVALID_PIPELINE", `aggregate() takes an array of stages, got ${JSON.stringify(pipeline)}.`, { parameters: {} });
  let docs = input.map((d) => structuredClone(d));
  for (const stage of pipeline) {
    const keys = Object.keys(stage ?? {});
    if (keys.length !== 1) throw new AnalysisError("INVALID_PIPELINE", `A pipeline stage must have exactly one field, got ${JSON.stringify(stage)}.`, { parameters: {} });
    const op = keys[0]!;
    const arg = stage[op] as never;
    switch (op) {
      case "$match": docs = docs.filter((d) => matches(d, arg as Filter)); break;
      case "$project": docs = docs.map((d) => project(d, arg)); break;
      case "$sort": {
        const ks = Object.entries(arg as Record<string, 1 | -1>);
        docs = [...docs].sort((a, b) => { for (const [f, dir] of ks) { const c = compareValues(fieldValue(a, f) ?? null, fieldValue(b, f) ?? null); if (c) return c * dir; } return 0; });
        break;
      }
      case "$skip": docs = docs.slice(arg as number); break;
      case "$limit": docs = docs.slice(0, arg as number); break;
      case "$count": docs = [{ [arg as string]: docs.length }]; break;
      case "$unwind": {
        const spec = typeof arg === "string" ? { path: arg as string } : (arg as { path: string; preserveNullAndEmptyArrays?: boolean });
        if (typeof spec.path !== "string" || !spec.path.startsWith("$")) throw new AnalysisError("INVALID_PIPELINE", `$unwind needs a field path starting with '$', got ${JSON.stringify(arg)}.`, { parameters: {} });
        const path = spec.path.slice(1);
        docs = docs.flatMap((d) => {
          const v = fieldValue(d, path);
          if (Array.isArray(v) && v.length) return v.map((x) => { const c = structuredClone(d); setPath(c, path, x); return c; });
          if (v !== undefined && v !== null && !Array.isArray(v)) return [d];
          return spec.preserveNullAndEmptyArrays ? [d] : [];
        });
        break;
      }
      case "$group": docs = group(docs, arg); break;
      case "$lookup": {
        const { from, localField, foreignField, as } = arg as { from: string; localField: string; foreignField: string; as: string };
        const other = collection(from);
        docs = docs.map((d) => {
          const local = fieldValue(d, localField);
          const locals = Array.isArray(local) ? local : [local ?? null];
          const hits = other.filter((o) => { const f = fieldValue(o, foreignField); const fs = Array.isArray(f) ? f : [f ?? null]; return fs.some((x) => locals.some((l) => compareValues(x, l) === 0)); });
          setPath(d, as, structuredClone(hits));
          return d;
        });
        break;
      }
      default:
        throw new AnalysisError("UNKNOWN_PIPELINE_STAGE", `Unknown aggregation stage '${op}' (supported: $match, $project, $sort, $skip, $limit, $count, $unwind, $group, $lookup).`, { parameters: { stage: op } });
    }
  }
  return docs;
}
