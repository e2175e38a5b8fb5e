// Parquet schema <-> Spark SQL types. Reading maps physical + logical types the way Spark's
// ParquetToSparkSchemaConverter does (INT96 and TIMESTAMP -> timestamp, DATE, DECIMAL, UTF8 ->
// string, LIST / MAP groups, legacy repeated fields -> arrays). Writing produces the schema
// elements Spark writes (3-level lists, key_value maps, INT64 TIMESTAMP_MICROS, INT32 DATE).

import type { SchemaElement, SchemaTree } from "hyparquet";
import { AnalysisError } from "../../common/errors";
import { StructType, simpleString, type DataType, type StructField } from "../types";

function leafType(el: SchemaElement): DataType {
  const lt = el.logical_type;
  const ct = el.converted_type;
  if (lt?.type === "DECIMAL" || ct === "DECIMAL") {
    const precision = lt?.type === "DECIMAL" ? lt.precision : (el.precision ?? 38);
    const scale = lt?.type === "DECIMAL" ? lt.scale : (el.scale ?? 0);
    return { type: "decimal", precision, scale };
  }
  switch (el.type) {
    case "BOOLEAN": return { type: "boolean" };
    case "INT32": {
      if (lt?.type === "DATE" || ct === "DATE") return { type: "date" };
      if (lt?.type === "INTEGER") {
        if (!lt.isSigned) return lt.bitWidth === 32 ? { type: "long" } : { type: "integer" };
        return lt.bitWidth === 8 ? { type: "byte" } : lt.bitWidth === 16 ? { type: "short" } : { type: "integer" };
      }
      if (ct === "INT_8") return { type: "byte" };
      if (ct === "INT_16") return { type: "short" };
      if (ct === "UINT_32") return { type: "long" };
      return { type: "integer" };
    }
    case "INT64": {
      if (lt?.type === "TIMESTAMP" || ct === "TIMESTAMP_MICROS" || ct === "TIMESTAMP_MILLIS") return { type: "timestamp" };
      if ((lt?.type === "INTEGER" && !lt.isSigned) || ct === "UINT_64") return { type: "decimal", precision: 20, scale: 0 };
      return { type: "long" };
    }
    case "INT96": return { type: "timestamp" };
    case "FLOAT": return { type: "float" };
    case "DOUBLE": return { type: "double" };
    case "BYTE_ARRAY":
      if (lt?.type === "STRING" || lt?.type === "ENUM" || lt?.type === "JSON" || ct === "UTF8" || ct === "ENUM" || ct === "JSON") return { type: "string" };
      return { type: "binary" };
    case "FIXED_LEN_BYTE_ARRAY":
      if (lt?.type === "UUID") return { type: "string" };
      if (lt?.type === "FLOAT16") return { type: "float" };
      return { type: "binary" };
    default: return { type: "binary" };
  }
}

function isList(t: SchemaTree): boolean {
  return t.element.converted_type === "LIST" || t.element.logical_type?.type === "LIST";
}
function isMap(t: SchemaTree): boolean {
  const e = t.element;
  return e.converted_type === "MAP" || e.converted_type === "MAP_KEY_VALUE" || e.logical_type?.type === "MAP";
}

/** Type of a node ignoring its own repetition (the caller wraps REPEATED nodes in arrays). */
function nodeType(t: SchemaTree): DataType {
  if (!t.children.length) return leafType(t.element);
  if (isList(t) && t.children.length === 1) {
    const rep = t.children[0]!;
    // 3-level list: the repeated group has one child, the element (unless legacy naming says otherwise).
    const legacyElement = !rep.children.length || rep.children.length > 1 || rep.element.name === "array" || rep.element.name === `${t.element.name}_tuple`;
    if (legacyElement) return { type: "array", elementType: nodeType(rep), containsNull: false };
    const el = rep.children[0]!;
    return { type: "array", elementType: fieldType(el), containsNull: el.element.repetition_type !== "REQUIRED" };
  }
  if (isMap(t) && t.children.length === 1 && t.children[0]!.children.length === 2) {
    const kv = t.children[0]!;
    const k = kv.children.find((c) => c.element.name === "key") ?? kv.children[0]!;
    const v = kv.children.find((c) => c.element.name === "value") ?? kv.children[1]!;
    return { type: "map", keyType: fieldType(k), valueType: fieldType(v), valueContainsNull: v.element.repetition_type !== "REQUIRED" };
  }
  return { type: "struct", fields: t.children.map(toField) };
}

function fieldType(t: SchemaTree): DataType {
  const inner = nodeType(t);
  return t.element.repetition_type === "REPEATED" ? { type: "array", elementType: inner, containsNull: false } : inner;
}

function toField(t: SchemaTree): StructField {
  return { name: t.element.name === PROTO_ALIAS ? "__proto__" : t.element.name, dataType: fieldType(t), nullable: t.element.repetition_type !== "REQUIRED" };
}

/** Spark schema of a Parquet file's schema tree (root node). */
export function parquetToSpark(root: SchemaTree): StructType {
  return new StructType(root.children.map(toField));
}

/** Merge the schemas of several files (mergeSchema): union of fields, same names must agree. */
export function mergeParquetSchemas(a: StructType, b: StructType): StructType {
  const fields = [...a.fields];
  for (const f of b.fields) {
    const i = fields.findIndex((x) => x.name === f.name);
    if (i < 0) { fields.push(f); continue; }
    const prev = fields[i]!;
    if (simpleString(prev.dataType) === simpleString(f.dataType)) continue;
    if (prev.dataType.type === "struct" && f.dataType.type === "struct") {
      const m = mergeParquetSchemas(new StructType(prev.dataType.fields), new StructType(f.dataType.fields));
      fields[i] = { ...prev, dataType: m.asDataType(), nullable: true };
      continue;
    }
    const widen = (x: DataType, y: DataType) => (x.type === "integer" && y.type === "long") || (x.type === "float" && y.type === "double");
    if (widen(prev.dataType, f.dataType)) { fields[i] = { ...prev, dataType: f.dataType }; continue; }
    if (widen(f.dataType, prev.dataType)) continue;
    throw new AnalysisError("CANNOT_MERGE_SCHEMAS", `Failed merging schemas: field \`${f.name}\` has types ${simpleString(prev.dataType)} and ${simpleString(f.dataType)}.`, {
      parameters: { left: simpleString(prev.dataType), right: simpleString(f.dataType), field: f.name },
    });
  }
  return new StructType(fields);
}

/** Schema elements (flattened, depth-first) for writing `schema` the way Spark lays it out. */
export function sparkToParquet(schema: StructType): SchemaElement[] {
  const out: SchemaElement[] = [{ name: "spark_schema", num_children: schema.fields.length }];
  for (const f of schema.fields) emit(f.name, f.dataType, f.nullable, out);
  return out;
}

function emit(name: string, dt: DataType, nullable: boolean, out: SchemaElement[]): void {
  const repetition_type = nullable ? "OPTIONAL" : "REQUIRED";
  switch (dt.type) {
    case "boolean": out.push({ name, type: "BOOLEAN", repetition_type }); return;
    // converted_type only: hyparquet-writer 0.17 encodes the INTEGER logical type in a way DuckDB rejects.
    case "byte": out.push({ name, type: "INT32", repetition_type, converted_type: "INT_8" }); return;
    case "short": out.push({ name, type: "INT32", repetition_type, converted_type: "INT_16" }); return;
    case "integer": out.push({ name, type: "INT32", repetition_type }); return;
    case "long": out.push({ name, type: "INT64", repetition_type }); return;
    case "float": out.push({ name, type: "FLOAT", repetition_type }); return;
    case "double": out.push({ name, type: "DOUBLE", repetition_type }); return;
    case "string": out.push({ name, type: "BYTE_ARRAY", repetition_type, converted_type: "UTF8", logical_type: { type: "STRING" } }); return;
    case "binary": out.push({ name, type: "BYTE_ARRAY", repetition_type }); return;
    case "date": out.push({ name, type: "INT32", repetition_type, converted_type: "DATE", logical_type: { type: "DATE" } }); return;
    case "timestamp":
      out.push({ name, type: "INT64", repetition_type, converted_type: "TIMESTAMP_MICROS", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" } });
      return;
    case "decimal": {
      // Spark writes small decimals as INT32/INT64; hyparquet-writer scales numbers for both.
      const type = dt.precision <= 9 ? "INT32" : dt.precision <= 18 ? "INT64" : "FIXED_LEN_BYTE_ARRAY";
      const el: SchemaElement = { name, type, repetition_type, converted_type: "DECIMAL", precision: dt.precision, scale: dt.scale, logical_type: { type: "DECIMAL", precision: dt.precision, scale: dt.scale } };
      if (type === "FIXED_LEN_BYTE_ARRAY") el.type_length = Math.ceil((Math.log2(10 ** dt.precision) + 1) / 8);
      out.push(el);
      return;
    }
    case "null": out.push({ name, type: "INT32", repetition_type: "OPTIONAL", logical_type: { type: "NULL" } }); return;
    case "array":
      out.push({ name, repetition_type, converted_type: "LIST", logical_type: { type: "LIST" }, num_children: 1 });
      out.push({ name: "list", repetition_type: "REPEATED", num_children: 1 });
      emit("element", dt.elementType, dt.containsNull, out);
      return;
    case "map":
      out.push({ name, repetition_type, converted_type: "MAP", logical_type: { type: "MAP" }, num_children: 1 });
      out.push({ name: "key_value", repetition_type: "REPEATED", num_children: 2 });
      emit("key", dt.keyType, false, out);
      emit("value", dt.valueType, dt.valueContainsNull, out);
      return;
    case "struct":
      out.push({ name, repetition_type, num_children: dt.fields.length });
      for (const f of dt.fields) emit(f.name, f.dataType, f.nullable, out);
      return;
  }
}

/**
 * hyparquet assembles nested structs with `obj[name] = value`, so a nested field named `__proto__`
 * would set the object's prototype and lose its value. Footers are read with such nested fields
 * renamed to PROTO_ALIAS (aliasNestedProto); the Spark schema and the row values use "__proto__" again.
 */
export const PROTO_ALIAS = "\u0000__proto__";
type ChunkPaths = { row_groups?: Array<{ columns: Array<{ meta_data?: { path_in_schema: string[] } }> }> };
export function aliasNestedProto<M extends { schema: SchemaElement[] } & ChunkPaths>(md: M): M {
  if (!md.schema.some((e, i) => i > 0 && e.name === "__proto__")) return md;
  // the schema is a depth-first list; top-level columns (depth 1) keep their names
  const schema: SchemaElement[] = [];
  const remaining: number[] = [];
  md.schema.forEach((e, i) => {
    const depth = remaining.length;
    schema.push(i > 0 && depth > 1 && e.name === "__proto__" ? { ...e, name: PROTO_ALIAS } : e);
    if (remaining.length) remaining[remaining.length - 1]!--;
    if (e.num_children) remaining.push(e.num_children);
    while (remaining.length && remaining[remaining.length - 1] === 0) remaining.pop();
  });
  // and the column chunks' paths, by which the reader finds their schema elements
  const row_groups = md.row_groups?.map((rg) => ({
    ...rg,
    columns: rg.columns.map((c) => (c.meta_data && c.meta_data.path_in_schema.some((n, i) => i > 0 && n === "__proto__")
      ? { ...c, meta_data: { ...c.meta_data, path_in_schema: c.meta_data.path_in_schema.map((n, i) => (i > 0 && n === "__proto__" ? PROTO_ALIAS : n)) } }
      : c)),
  }));
  return { ...md, schema, ...(row_groups ? { row_groups } : {}) };
}
