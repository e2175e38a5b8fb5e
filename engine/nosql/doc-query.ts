// MongoDB query and update semantics over plain JSON documents: dot paths into nested objects
// and arrays, comparison/logical/element/array operators, and $set/$unset/$inc/$push/$pull.

import { AnalysisError } from "../common/errors";

export type Doc = Record<string, unknown>;
export type Filter = Record<string, unknown>;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof RegExp);

/** Values at a dot path; arrays along the way fan out (Mongo's implicit array traversal). */
export function valuesAt(doc: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [doc];
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(doc)) {
    const out: unknown[] = [];
    if (/^\d+$/.test(head)) out.push(...valuesAt(doc[Number(head)], rest));
    for (const el of doc) if (isObj(el)) out.push(...valuesAt(el, path));
    return out;
  }
  if (isObj(doc)) return head in doc ? valuesAt(doc[head], rest) : [];
  return [];
}

const typeRank = (v: unknown): number => v === null || v === undefined ? 0 : typeof v === "number" ? 1 : typeof v === "string" ? 2 : isObj(v) ? 3 : Array.isArray(v) ? 4 : typeof v === "boolean" ? 5 : 6;

/** BSON-like comparison order (null < numbers < strings < objects < arrays < booleans). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a), rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === "number" || typeof a === "string") return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  if (typeof a === "boolean") return Number(a) - Number(b);
  const sa = JSON.stringify(a), sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

const deepEqual = (a: unknown, b: unknown): boolean => typeRank(a) === typeRank(b) && compareValues(a, b) === 0;

/** Candidates a leaf condition is tested against: the value and, for arrays, each element. */
function candidates(vals: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of vals) { out.push(v); if (Array.isArray(v)) out.push(...v); }
  return out;
}

const sameType = (a: unknown, b: unknown) => typeRank(a) === typeRank(b);

function opMatches(op: string, arg: unknown, vals: unknown[], path: string): boolean {
  const c = candidates(vals);
  switch (op) {
    case "$eq": return arg === null ? vals.length === 0 || c.some((v) => v === null) : c.some((v) => deepEqual(v, arg));
    case "$ne": return !opMatches("$eq", arg, vals, path);
    case "$gt": return c.some((v) => sameType(v, arg) && compareValues(v, arg) > 0);
    case "$gte": return c.some((v) => sameType(v, arg) && compareValues(v, arg) >= 0);
    case "$lt": return c.some((v) => sameType(v, arg) && compareValues(v, arg) < 0);
    case "$lte": return c.some((v) => sameType(v, arg) && compareValues(v, arg) <= 0);
    case "$in": return arrayArg(op, arg, path).some((a) => a instanceof RegExp ? c.some((v) => typeof v === "string" && a.test(v)) : opMatches("$eq", a, vals, path));
    case "$nin": return !opMatches("$in", arg, vals, path);
    // Every listed value is in the array (or equals the field): $and of $eq's, as MongoDB defines it.
    case "$all": { const all = arrayArg(op, arg, path); return all.length > 0 && all.every((a) => opMatches("$eq", a, vals, path)); }
    case "$exists": return (vals.length > 0) === Boolean(arg);
    case "$size": return vals.some((v) => Array.isArray(v) && v.length === arg);
    case "$regex": {
      const re = arg instanceof RegExp ? arg : new RegExp(String(arg));
      return c.some((v) => typeof v === "string" && re.test(v));
    }
    case "$options": return true;
    case "$not": return !condMatches(arg, vals, path);
    case "$elemMatch": {
      if (!isObj(arg)) throw badOp(op, arg, path);
      const isOps = Object.keys(arg).every((k) => k.startsWith("$"));
      return vals.some((v) => Array.isArray(v) && v.some((el) => isOps ? condMatches(arg, [el], path) : isObj(el) && matches(el, arg)));
    }
    default:
      throw new AnalysisError("UNKNOWN_QUERY_OPERATOR", `Unknown query operator '${op}' on field '${path}'. Supported: $eq $ne $gt $gte $lt $lte $in $nin $all $exists $size $regex $not $elemMatch.`, { parameters: { operator: op, field: path } });
  }
}

function badOp(op: string, arg: unknown, path: string): AnalysisError {
  return new AnalysisError("INVALID_QUERY_ARGUMENT", `${op} on '${path}' needs an object, got ${JSON.stringify(arg)}.`, { parameters: { operator: op, field: path } });
}

function arrayArg(op: string, arg: unknown, path: string): unknown[] {
  if (!Array.isArray(arg)) throw new AnalysisError("INVALID_QUERY_ARGUMENT", `${op} on '${path}' needs an array, got ${JSON.stringify(arg)}.`, { parameters: { operator: op, field: path } });
  return arg;
}

function condMatches(cond: unknown, vals: unknown[], path: string): boolean {
  if (cond instanceof RegExp) return opMatches("$regex", cond, vals, path);
  if (isObj(cond) && Object.keys(cond).length > 0 && Object.keys(cond).every((k) => k.startsWith("$"))) {
    if ("$regex" in cond && "$options" in cond) {
      return opMatches("$regex", new RegExp(String(cond.$regex), String(cond.$options)), vals, path) &&
        Object.entries(cond).filter(([k]) => k !== "$regex" && k !== "$options").every(([op, a]) => opMatches(op, a, vals, path));
    }
    return Object.entries(cond).every(([op, a]) => opMatches(op, a, vals, path));
  }
  return opMatches("$eq", cond, vals, path);
}

/** Does `doc` satisfy the MongoDB filter? */
export function matches(doc: Doc, filter: Filter): boolean {
  for (const [k, cond] of Object.entries(filter)) {
    if (k === "$and") { if (!arrayArg(k, cond, k).every((f) => matches(doc, f as Filter))) return false; continue; }
    if (k === "$or") { if (!arrayArg(k, cond, k).some((f) => matches(doc, f as Filter))) return false; continue; }
    if (k === "$nor") { if (arrayArg(k, cond, k).some((f) => matches(doc, f as Filter))) return false; continue; }
    if (k.startsWith("$")) throw new AnalysisError("UNKNOWN_QUERY_OPERATOR", `Unknown top-level query operator '${k}'.`, { parameters: { operator: k } });
    if (!condMatches(cond, valuesAt(doc, k.split(".")), k)) return false;
  }
  return true;
}

function setPath(doc: Doc, path: string, f: (cur: unknown, exists: boolean) => unknown | typeof REMOVE): void {
  const parts = path.split(".");
  let o: Record<string, unknown> = doc;
  for (const p of parts.slice(0, -1)) {
    if (!isObj(o[p]) && !Array.isArray(o[p])) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  const last = parts.at(-1)!;
  const next = f(o[last], last in o);
  if (next === REMOVE) delete o[last]; else o[last] = next;
}
const REMOVE = Symbol("remove");

/** Apply a MongoDB update document ($set, $unset, $inc, $push, $pull) to a copy of `doc`. */
export function applyUpdate(doc: Doc, update: Record<string, unknown>): Doc {
  const out = structuredClone(doc);
  for (const [op, fields] of Object.entries(update)) {
    if (!isObj(fields)) throw new AnalysisError("INVALID_UPDATE", `${op} needs an object of fields, got ${JSON.stringify(fields)}.`, { parameters: { operator: op } });
    for (const [path, arg] of Object.entries(fields)) {
      switch (op) {
        case "$set": setPath(out, path, () => structuredClone(arg)); break;
        case "$unset": setPath(out, path, () => REMOVE); break;
        case "$inc": setPath(out, path, (cur) => {
          if (typeof arg !== "number") throw new AnalysisError("INVALID_UPDATE", `$inc on '${path}' needs a number, got ${JSON.stringify(arg)}.`);
          if (cur !== undefined && typeof cur !== "number") throw new AnalysisError("INVALID_UPDATE", `Cannot $inc non-numeric field '${path}' (value ${JSON.stringify(cur)}).`);
          return ((cur as number | undefined) ?? 0) + arg;
        }); break;
        case "$push": setPath(out, path, (cur) => {
          if (cur !== undefined && !Array.isArray(cur)) throw new AnalysisError("INVALID_UPDATE", `Cannot $push to non-array field '${path}'.`);
          const add = isObj(arg) && Array.isArray(arg.$each) ? arg.$each : [arg];
          return [...((cur as unknown[] | undefined) ?? []), ...structuredClone(add)];
        }); break;
        case "$pull": setPath(out, path, (cur) => Array.isArray(cur)
          ? cur.filter((el) => !(isObj(arg) && Object.keys(arg).some((k) => k.startsWith("$")) ? condMatches(arg, [el], path) : isObj(arg) && isObj(el) ? matches(el, arg) : deepEqual(el, arg)))
          : cur); break;
        default:
          throw new AnalysisError("UNKNOWN_UPDATE_OPERATOR", `Unknown update operator '${op}'. Supported: $set $unset $inc $push $pull.`, { parameters: { operator: op } });
      }
    }
  }
  return out;
}
