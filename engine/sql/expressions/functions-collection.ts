// Arrays, maps and structs: constructors, accessors (a[0], m['k'], s.f), and the array functions
// students use most. Maps are JS Map objects inside the engine (exact keys of any type).

import { setField } from "../../common/fields";
import { AnalysisError, ExecutionError } from "../../common/errors";
import { type DataType, IntegerType, BooleanType, ArrayType, StringType, LongType, MapType } from "../types";
import { register, coerceArg, coerceToCommon, typeOf, mkCast, dataTypeMismatch, type ScalarDef } from "./registry";
import { compareValues } from "./compare";
import { checkArraySize, sequenceLength } from "./size-limits";
import { mapEntries } from "./cast";
import { canonical } from "../../common/keys";
import type { Expr } from "./expression";
import { sqlTypeName, widerType } from "./type-utils";
import { exprSql } from "./print";

const elemType = (t: DataType): DataType => (t.type === "array" ? t.elementType : { type: "null" });

function nameOf(e: Expr, i: number): string {
  if (e.kind === "alias") return e.name;
  if (e.kind === "attr") return e.name;
  if (e.kind === "fn" && e.name === "getfield" && e.args[1]?.kind === "lit") return String(e.args[1].value);
  return `col${i + 1}`;
}

register({
  kind: "scalar", name: "array", minArgs: 0, maxArgs: Infinity, nullSafe: true,
  resolve(args, node) {
    if (!args.length) return { args, dataType: ArrayType(StringType, false), nullable: false };
    const c = coerceToCommon(node, args);
    return { args: c.args, dataType: ArrayType(c.type, true), nullable: false };
  },
  eval(vals) { return vals.map((v) => (v === undefined ? null : v)); },
});

register({
  kind: "scalar", name: "struct", minArgs: 1, maxArgs: Infinity, nullSafe: true,
  resolve(args) {
    const fields = args.map((a, i) => ({ name: nameOf(a, i), dataType: typeOf(a), nullable: true }));
    return { args, dataType: { type: "struct", fields }, nullable: false };
  },
  eval(vals, info) {
    const fields = (info.dataType as DataType & { type: "struct" }).fields;
    const o: Record<string, unknown> = {};
    fields.forEach((f, i) => { setField(o, f.name, vals[i] ?? null); });
    return o;
  },
});

register({
  kind: "scalar", name: "named_struct", minArgs: 2, maxArgs: Infinity, nullSafe: true,
  resolve(args, node) {
    const fields = [];
    const vals: Expr[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const n = args[i]!;
      if (n.kind !== "lit" || typeof n.value !== "string") throw dataTypeMismatch(node, "CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING", "Only foldable `STRING` expressions are allowed to appear at odd position.");
      fields.push({ name: n.value, dataType: typeOf(args[i + 1]!), nullable: true });
      vals.push(n, args[i + 1]!);
    }
    return { args: vals, dataType: { type: "struct", fields }, nullable: false };
  },
  eval(vals) {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < vals.length; i += 2) setField(o, vals[i] as string, vals[i + 1] ?? null);
    return o;
  },
});

const mapDef: ScalarDef = {
  kind: "scalar", name: "map", minArgs: 0, maxArgs: Infinity, nullSafe: true,
  resolve(args, node) {
    const ks = args.filter((_, i) => i % 2 === 0), vs = args.filter((_, i) => i % 2 === 1);
    if (ks.length !== vs.length) throw dataTypeMismatch(node, "WRONG_NUM_ARGS", `The \`map\` requires an even number of arguments, but the actual number is ${args.length}.`);
    const kc = ks.length ? coerceToCommon(node, ks) : { args: [], type: StringType };
    const vc = vs.length ? coerceToCommon(node, vs) : { args: [], type: StringType };
    const out: Expr[] = [];
    kc.args.forEach((k, i) => out.push(k, vc.args[i]!));
    return { args: out, dataType: MapType(kc.type, vc.type, true), nullable: false };
  },
  eval(vals) {
    const b = new MapBuilder();
    for (let i = 0; i < vals.length; i += 2) b.put(vals[i], vals[i + 1] ?? null);
    return b.map;
  },
};
register(mapDef, "create_map");

/**
 * Spark's ArrayBasedMapBuilder under the default spark.sql.mapKeyDedupPolicy=EXCEPTION: a null key
 * is NULL_MAP_KEY, a key seen twice DUPLICATED_MAP_KEY.
 */
export class MapBuilder {
  readonly map = new Map<unknown, unknown>();
  private readonly seen = new Set<string>();

  put(k: unknown, v: unknown): void {
    if (k === null || k === undefined) throw new ExecutionError("NULL_MAP_KEY", "Cannot use null as map key.");
    const key = canonical(k);
    if (this.seen.has(key)) {
      throw new ExecutionError("DUPLICATED_MAP_KEY", `Duplicate map key ${String(k)} was found, please check the input data. If you want to remove the duplicated keys, you can set "spark.sql.mapKeyDedupPolicy" to "LAST_WIN" so that the key inserted at last takes precedence.`, { parameters: { key: String(k), mapKeyDedupPolicy: '"spark.sql.mapKeyDedupPolicy"' } });
    }
    this.seen.add(key);
    this.map.set(k, v);
  }
}

register({
  kind: "scalar", name: "map_from_arrays", minArgs: 2, maxArgs: 2,
  resolve(args, node) {
    const k = coerceArg(node, args, 0, "array"), v = coerceArg(node, args, 1, "array");
    return { args: [k, v], dataType: MapType(elemType(typeOf(k)), elemType(typeOf(v))) };
  },
  eval([k, v]) {
    const ks = k as unknown[], vs = v as unknown[];
    if (ks.length !== vs.length) throw new ExecutionError("_LEGACY_ERROR_TEMP_2128", "The key array and value array of MapData must have the same length.");
    const b = new MapBuilder();
    ks.forEach((x, i) => b.put(x, vs[i] ?? null));
    return b.map;
  },
});

register({
  kind: "scalar", name: "size", minArgs: 1, maxArgs: 1, nullSafe: true,
  resolve(args, node) {
    const t = typeOf(args[0]!);
    if (t.type !== "array" && t.type !== "map") coerceArg(node, args, 0, "array");
    return { args, dataType: IntegerType, nullable: false };
  },
  eval([v]) {
    if (v === null || v === undefined) return -1;
    return Array.isArray(v) ? v.length : mapEntries(v).length;
  },
}, "cardinality");

register({
  kind: "scalar", name: "array_contains", minArgs: 2, maxArgs: 2,
  resolve(args, node) {
    const a = coerceArg(node, args, 0, "array");
    const et = elemType(typeOf(a));
    const t = widerType(et, typeOf(args[1]!));
    if (!t) throw dataTypeMismatch(node, "ARRAY_FUNCTION_DIFF_TYPES", `Input to \`array_contains\` should have been "ARRAY" followed by a value with same element type, but it's [${sqlTypeName(typeOf(a))}, ${sqlTypeName(typeOf(args[1]!))}].`);
    return { args: [mkCast(a, ArrayType(t)), mkCast(args[1]!, t)], dataType: BooleanType };
  },
  eval([arr, v]) {
    let sawNull = false;
    for (const x of arr as unknown[]) {
      if (x === null || x === undefined) { sawNull = true; continue; }
      if (compareValues(x, v) === 0) return true;
    }
    return sawNull ? null : false;
  },
});

register({
  kind: "scalar", name: "getitem", minArgs: 2, maxArgs: 2,
  resolve(args, node) {
    const t = typeOf(args[0]!);
    if (t.type === "array") return { args: [args[0]!, coerceArg(node, args, 1, "int")], dataType: t.elementType };
    if (t.type === "map") return { args: [args[0]!, mkCast(args[1]!, t.keyType)], dataType: t.valueType };
    if (t.type === "struct" && args[1]!.kind === "lit") return resolveField(node, args[0]!, String(args[1]!.value));
    throw new AnalysisError("INVALID_EXTRACT_BASE_FIELD_TYPE", `Can't extract a value from "${exprSql(args[0]!)}". Need a complex type [STRUCT, ARRAY, MAP] but got ${sqlTypeName(t)}.`);
  },
  eval([c, k], info) {
    if (Array.isArray(c)) { const i = k as number; return i >= 0 && i < c.length ? c[i] : null; }
    if (c instanceof Map) return mapGet(c, k);
    if (info.argTypes[0]!.type === "struct") return (c as Record<string, unknown>)[k as string] ?? null;
    return mapGet(c, k);
  },
});

function mapGet(m: unknown, k: unknown): unknown {
  if (m instanceof Map) {
    if (m.has(k)) return m.get(k) ?? null;
    for (const [x, v] of m) if (compareValues(x, k) === 0) return v ?? null;
    return null;
  }
  return (m as Record<string, unknown>)[String(k)] ?? null;
}

function resolveField(node: Expr, base: Expr, field: string): { args: Expr[]; dataType: DataType } {
  const t = typeOf(base);
  if (t.type !== "struct") {
    throw new AnalysisError("INVALID_EXTRACT_BASE_FIELD_TYPE", `Can't extract a value from "${exprSql(base)}". Need a complex type [STRUCT, ARRAY, MAP] but got ${sqlTypeName(t)}.`);
  }
  const f = t.fields.find((x) => x.name === field) ?? t.fields.find((x) => x.name.toLowerCase() === field.toLowerCase());
  if (!f) {
    throw new AnalysisError("FIELD_NOT_FOUND", `No such struct field \`${field}\` in ${t.fields.map((x) => "`" + x.name + "`").join(", ")}.`, { parameters: { fieldName: field } });
  }
  void node;
  return { args: [base, { kind: "lit", value: f.name, dataType: StringType }], dataType: f.dataType };
}

register({
  kind: "scalar", name: "getfield", minArgs: 2, maxArgs: 2,
  resolve(args, node) {
    const t = typeOf(args[0]!);
    if (t.type === "map") return { args: [args[0]!, mkCast(args[1]!, t.keyType)], dataType: t.valueType };
    return resolveField(node, args[0]!, String((args[1] as { value?: unknown }).value));
  },
  eval([s, name]) {
    if (s instanceof Map) return mapGet(s, name);
    return (s as Record<string, unknown>)[name as string] ?? null;
  },
});

register({
  kind: "scalar", name: "element_at", minArgs: 2, maxArgs: 2,
  resolve(args, node) {
    const t = typeOf(args[0]!);
    if (t.type === "array") return { args: [args[0]!, coerceArg(node, args, 1, "int")], dataType: t.elementType };
    if (t.type === "map") return { args: [args[0]!, mkCast(args[1]!, t.keyType)], dataType: t.valueType };
    coerceArg(node, args, 0, "array");
    throw new Error("unreachable");
  },
  eval([c, k], info) {
    if (Array.isArray(c)) {
      const i = k as number;
      if (i === 0) throw new AnalysisError("INVALID_INDEX_OF_ZERO", "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1).");
      const j = i > 0 ? i - 1 : c.length + i;
      if (j < 0 || j >= c.length) {
        if (info.ctx.ansi) throw new AnalysisError("INVALID_ARRAY_INDEX_IN_ELEMENT_AT", `The index ${i} is out of bounds. The array has ${c.length} elements.`);
        return null;
      }
      return c[j] ?? null;
    }
    return mapGet(c, k);
  },
});

function arrayFn(name: string, f: (a: unknown[], rest: unknown[], et: DataType) => unknown, result: (t: DataType) => DataType = (t) => t, extra: ("int" | "element" | "string" | "array")[] = []): ScalarDef {
  return {
    kind: "scalar", name, minArgs: 1, maxArgs: 1 + extra.length,
    resolve(args, node) {
      const a = coerceArg(node, args, 0, "array");
      const t = typeOf(a);
      const rest = args.slice(1).map((x, i) => {
        const kind = extra[i]!;
        if (kind === "element") return mkCast(x, elemType(t));
        if (kind === "array") return mkCast(x, t);
        return coerceArg(node, args, i + 1, kind);
      });
      return { args: [a, ...rest], dataType: result(t) };
    },
    eval([a, ...rest], info) { return f(a as unknown[], rest, elemType(info.argTypes[0]!)); },
  };
}

const sortArr = (a: unknown[], asc: boolean) => {
  const nulls = a.filter((x) => x === null || x === undefined);
  const vals = a.filter((x) => x !== null && x !== undefined).sort(compareValues);
  if (!asc) vals.reverse();
  return asc ? [...nulls, ...vals] : [...vals, ...nulls];
};

function distinctValues(a: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const x of a) {
    const k = x === null || x === undefined ? "N" : typeof x === "number" && Number.isNaN(x) ? "NaN" : canonical(x);
    if (!seen.has(k)) { seen.add(k); out.push(x ?? null); }
  }
  return out;
}

register({
  kind: "scalar", name: "sort_array", minArgs: 1, maxArgs: 2,
  resolve(args, node) {
    const a = coerceArg(node, args, 0, "array");
    return { args: args.length > 1 ? [a, coerceArg(node, args, 1, "boolean")] : [a], dataType: typeOf(a) };
  },
  eval([a, asc]) { return sortArr(a as unknown[], asc === undefined ? true : asc === true); },
});
register(arrayFn("array_sort", (a) => sortArr(a, true).filter((x) => x !== null).concat(a.filter((x) => x === null))));
register(arrayFn("array_distinct", distinctValues));
register(arrayFn("array_max", (a) => a.filter((x) => x !== null).reduce<unknown>((m, x) => (m === null || compareValues(x, m) > 0 ? x : m), null), elemType));
register(arrayFn("array_min", (a) => a.filter((x) => x !== null).reduce<unknown>((m, x) => (m === null || compareValues(x, m) < 0 ? x : m), null), elemType));
register(arrayFn("array_position", (a, [v]) => a.findIndex((x) => x !== null && compareValues(x, v) === 0) + 1, () => LongType, ["element"]));
register(arrayFn("array_remove", (a, [v]) => a.filter((x) => x === null || compareValues(x, v) !== 0), (t) => t, ["element"]));
register(arrayFn("array_union", (a, [b]) => distinctValues([...a, ...(b as unknown[])]), (t) => t, ["array"]));
register(arrayFn("array_intersect", (a, [b]) => {
  const bs = new Set((b as unknown[]).map((x) => canonical(x ?? null)));
  return distinctValues(a.filter((x) => bs.has(canonical(x ?? null))));
}, (t) => t, ["array"]));
register(arrayFn("array_except", (a, [b]) => {
  const bs = new Set((b as unknown[]).map((x) => canonical(x ?? null)));
  return distinctValues(a.filter((x) => !bs.has(canonical(x ?? null))));
}, (t) => t, ["array"]));
register(arrayFn("arrays_overlap", (a, [b]) => {
  const bs = new Set((b as unknown[]).filter((x) => x !== null).map((x) => canonical(x)));
  return a.some((x) => x !== null && bs.has(canonical(x)));
}, () => BooleanType, ["array"]));
register(arrayFn("array_join", (a, [sep, nullRep]) =>
  a.filter((x) => x !== null || nullRep !== undefined).map((x) => (x === null ? nullRep : String(x))).join(sep as string),
() => StringType, ["string", "string"]));
register({
  ...arrayFn("flatten", (a) => (a.some((x) => x === null) ? null : (a as unknown[][]).flat(1)), (t) => elemType(t)),
  resolve(args, node) {
    const a = coerceArg(node, args, 0, "array");
    const t = typeOf(a);
    if (elemType(t).type !== "array" && elemType(t).type !== "null") {
      throw dataTypeMismatch(node, "UNEXPECTED_INPUT_TYPE", `The first parameter requires the "ARRAY" of "ARRAY" type, however "${exprSql(a)}" has the type ${sqlTypeName(t)}.`,
        { paramIndex: 1, requiredType: '"ARRAY" of "ARRAY"', inputSql: exprSql(a), inputType: sqlTypeName(t) });
    }
    return { args: [a], dataType: elemType(t).type === "null" ? t : elemType(t) };
  },
});
register(arrayFn("slice", (a, [start, len]) => {
  const s = start as number, l = len as number;
  if (l < 0) return null;
  const i = s > 0 ? s - 1 : a.length + s;
  if (i < 0) return [];
  return a.slice(i, i + l);
}, (t) => t, ["int", "int"]));
register(arrayFn("reverse_array", (a) => [...a].reverse()));
register(arrayFn("shuffle", (a) => [...a]));

register({
  kind: "scalar", name: "reverse", minArgs: 1, maxArgs: 1,
  resolve(args, node) {
    const t = typeOf(args[0]!);
    if (t.type === "array") return { args, dataType: t };
    return { args: [coerceArg(node, args, 0, "string")], dataType: StringType };
  },
  eval([v]) { return Array.isArray(v) ? [...v].reverse() : [...(v as string)].reverse().join(""); },
});

register({
  kind: "scalar", name: "array_repeat", minArgs: 2, maxArgs: 2, nullSafe: true,
  resolve(args, node) { return { args: [args[0]!, coerceArg(node, args, 1, "int")], dataType: ArrayType(typeOf(args[0]!)) }; },
  eval([v, n]) {
    if (n === null || n === undefined) return null;
    const count = Math.max(0, n as number);
    checkArraySize("array_repeat", "count", count);
    return Array.from({ length: count }, () => v ?? null);
  },
});

register({
  kind: "scalar", name: "sequence", minArgs: 2, maxArgs: 3,
  resolve(args, node) {
    const c = coerceToCommon(node, args.slice(0, 2).map((_, i) => coerceArg(node, args, i, "integral")));
    const step = args[2] ? mkCast(coerceArg(node, args, 2, "integral"), c.type) : undefined;
    return { args: step ? [...c.args, step] : c.args, dataType: ArrayType(c.type, false) };
  },
  eval([a, b, s]) {
    const start = Number(a), stop = Number(b);
    const step = s === undefined ? (start <= stop ? 1 : -1) : Number(s);
    if (step === 0 || (step > 0 && start > stop) || (step < 0 && start < stop)) {
      if (start === stop) return [start];
      throw new AnalysisError("INVALID_PARAMETER_VALUE.SEQUENCE_WRONG_INPUT", "Illegal sequence boundaries: start to stop by step.");
    }
    checkArraySize("sequence", "start, stop, step", sequenceLength(start, stop, step));
    const out: number[] = [];
    for (let x = start; step > 0 ? x <= stop : x >= stop; x += step) out.push(x);
    return out;
  },
});

register({
  kind: "scalar", name: "map_keys", minArgs: 1, maxArgs: 1,
  resolve(args, node) { const a = coerceArg(node, args, 0, "map"); const t = typeOf(a) as DataType & { type: "map" }; return { args: [a], dataType: ArrayType(t.keyType, false) }; },
  eval([m]) { return mapEntries(m).map(([k]) => k); },
});
register({
  kind: "scalar", name: "map_values", minArgs: 1, maxArgs: 1,
  resolve(args, node) { const a = coerceArg(node, args, 0, "map"); const t = typeOf(a) as DataType & { type: "map" }; return { args: [a], dataType: ArrayType(t.valueType) }; },
  eval([m]) { return mapEntries(m).map(([, v]) => v); },
});
register({
  kind: "scalar", name: "map_contains_key", minArgs: 2, maxArgs: 2,
  resolve(args, node) { const a = coerceArg(node, args, 0, "map"); const t = typeOf(a) as DataType & { type: "map" }; return { args: [a, mkCast(args[1]!, t.keyType)], dataType: BooleanType }; },
  eval([m, k]) { return mapEntries(m).some(([x]) => compareValues(x, k) === 0); },
});

export { elemType };

register({
  kind: "scalar", name: "with_field", minArgs: 3, maxArgs: 3,
  resolve(args, node) {
    const s = coerceArg(node, args, 0, "struct");
    const t = typeOf(s) as DataType & { type: "struct" };
    const name = String((args[1] as { value?: unknown }).value);
    const fields = t.fields.some((f) => f.name === name)
      ? t.fields.map((f) => (f.name === name ? { ...f, dataType: typeOf(args[2]!) } : f))
      : [...t.fields, { name, dataType: typeOf(args[2]!), nullable: true }];
    return { args: [s, args[1]!, args[2]!], dataType: { type: "struct", fields } };
  },
  eval([s, name, v]) { return { ...(s as object), [name as string]: v }; },
});
