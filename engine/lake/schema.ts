// Delta's schemaString (Spark's JSON schema) <-> the engine's StructType, and Delta's schema
// enforcement / evolution rules for writes (append refuses a different schema unless mergeSchema).

import { AnalysisError } from "../common/errors";
import { StructType, simpleString, type DataType, type StructField } from "../sql/types";

type JsonType = string | { type: string; [k: string]: unknown };

function typeToJson(dt: DataType): JsonType {
  switch (dt.type) {
    case "array": return { type: "array", elementType: typeToJson(dt.elementType), containsNull: dt.containsNull };
    case "map": return { type: "map", keyType: typeToJson(dt.keyType), valueType: typeToJson(dt.valueType), valueContainsNull: dt.valueContainsNull };
    case "struct": return structToJson(dt.fields);
    case "decimal": return `decimal(${dt.precision},${dt.scale})`;
    case "null": return "void";
    default: return dt.type;
  }
}

function structToJson(fields: StructField[]) {
  return { type: "struct", fields: fields.map((f) => ({ name: f.name, type: typeToJson(f.dataType), nullable: f.nullable, metadata: f.metadata ?? {} })) };
}

/** The schemaString Delta stores in metaData. */
export function schemaToJson(schema: StructType): string {
  return JSON.stringify(structToJson(schema.fields));
}

function typeFromJson(t: JsonType): DataType {
  if (typeof t === "string") {
    const dec = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
    if (dec) return { type: "decimal", precision: Number(dec[1]), scale: Number(dec[2]) };
    switch (t) {
      case "boolean": case "byte": case "short": case "integer": case "long": case "float": case "double":
      case "string": case "binary": case "date": case "timestamp":
        return { type: t } as DataType;
      case "timestamp_ntz": return { type: "timestamp" };
      case "decimal": return { type: "decimal", precision: 10, scale: 0 };
      case "void": return { type: "null" };
      default:
        throw new AnalysisError("DELTA_UNSUPPORTED_DATA_TYPES", `Found columns using unsupported data types: ${t}.`, { parameters: { dataType: t } });
    }
  }
  switch (t.type) {
    case "array": return { type: "array", elementType: typeFromJson(t.elementType as JsonType), containsNull: t.containsNull !== false };
    case "map": return { type: "map", keyType: typeFromJson(t.keyType as JsonType), valueType: typeFromJson(t.valueType as JsonType), valueContainsNull: t.valueContainsNull !== false };
    case "struct": return { type: "struct", fields: fieldsFromJson(t.fields as unknown[]) };
    default: return typeFromJson(t.type);
  }
}

function fieldsFromJson(fields: unknown[]): StructField[] {
  return fields.map((raw) => {
    const f = raw as { name: string; type: JsonType; nullable?: boolean; metadata?: Record<string, unknown> };
    return { name: f.name, dataType: typeFromJson(f.type), nullable: f.nullable !== false, metadata: f.metadata ?? {} };
  });
}

/** Parse a metaData.schemaString. */
export function schemaFromJson(text: string): StructType {
  const j = JSON.parse(text) as { type: string; fields: unknown[] };
  return new StructType(fieldsFromJson(j.fields ?? []));
}

const dataTypeSql = (dt: DataType) => simpleString(dt).toUpperCase();

/**
 * Schema enforcement for a write into an existing table. Returns the schema to commit when it
 * changes (mergeSchema adds columns), undefined when the table's schema stays.
 * Delta's rules: columns match by name (case-insensitive); the data may lack nullable columns;
 * extra columns need mergeSchema; a different type is refused (mergeSchema widens only
 * byte/short/int -> long-free safe upcasts it knows: here, none beyond identical types and NullType).
 */
export function checkWriteSchema(table: StructType, data: StructType, opts: { mergeSchema: boolean; tableId: string }): StructType | undefined {
  const extra: StructField[] = [];
  const diffs: string[] = [];
  for (const f of data.fields) {
    const t = table.field(f.name);
    if (!t) { extra.push(f); continue; }
    if (f.dataType.type === "null") continue;
    if (simpleString(t.dataType) !== simpleString(f.dataType)) {
      if (opts.mergeSchema) {
        throw new AnalysisError("DELTA_FAILED_TO_MERGE_FIELDS", `Failed to merge fields '${t.name}' and '${f.name}'. Failed to merge incompatible data types ${dataTypeSql(t.dataType)} and ${dataTypeSql(f.dataType)}`, {
          parameters: { currentField: t.name, updateField: f.name },
        });
      }
      diffs.push(`- Field ${t.name}: table type ${simpleString(t.dataType)}, data type ${simpleString(f.dataType)}`);
    }
  }
  if (!opts.mergeSchema && (extra.length || diffs.length)) {
    const lines = [
      ...extra.map((f) => `- Data has an extra column ${f.name} (${simpleString(f.dataType)}) that is not in the table.`),
      ...diffs,
    ];
    throw new AnalysisError("DELTA_METADATA_MISMATCH",
      `A schema mismatch detected when writing to the Delta table (Table ID: ${opts.tableId}).\n` +
      "To enable schema migration using DataFrameWriter or DataStreamWriter, please set:\n'.option(\"mergeSchema\", \"true\")'.\n" +
      `Table schema:\n${table.treeString()}\nData schema:\n${data.treeString()}\nDifferences:\n${lines.join("\n")}`,
      { parameters: { extraColumns: extra.map((f) => f.name), differingColumns: diffs } });
  }
  if (!extra.length) return undefined;
  return new StructType([...table.fields, ...extra.map((f) => ({ ...f, nullable: true }))]);
}
