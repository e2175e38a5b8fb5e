// Spark Connect's DataType messages as the engine's data types: a remote relation's schema (from
// AnalyzePlan) becomes the attributes the embedded analyzer resolves a DataFrame's columns against.

import { AnalysisError } from "../common/errors";
import type { DataType, StructField } from "../sql/types";
import type { DataType as ProtoType } from "./gen/spark/connect/types_pb";

function need(t: ProtoType | undefined, where: string): ProtoType {
  if (!t) throw new AnalysisError("CONNECT_SCHEMA", `The server's schema has no type for ${where}.`);
  return t;
}

/** The engine's type for a Spark Connect DataType. */
export function fromProtoType(t: ProtoType, where = "a column"): DataType {
  const k = t.kind;
  switch (k.case) {
    case "null": return { type: "null" };
    case "binary": return { type: "binary" };
    case "boolean": return { type: "boolean" };
    case "byte": return { type: "byte" };
    case "short": return { type: "short" };
    case "integer": return { type: "integer" };
    case "long": return { type: "long" };
    case "float": return { type: "float" };
    case "double": return { type: "double" };
    case "decimal": return { type: "decimal", precision: k.value.precision ?? 10, scale: k.value.scale ?? 0 };
    case "string": case "char": case "varChar": return { type: "string" };
    case "date": return { type: "date" };
    // TIMESTAMP_NTZ reads as the engine's (UTC wall-clock) timestamp.
    case "timestamp": case "timestampNtz": return { type: "timestamp" };
    case "yearMonthInterval": return { type: "interval_ym", startField: k.value.startField ?? 0, endField: k.value.endField ?? 1 };
    case "dayTimeInterval": return { type: "interval_dt", startField: k.value.startField ?? 0, endField: k.value.endField ?? 3 };
    case "array": return { type: "array", elementType: fromProtoType(need(k.value.elementType, where), where), containsNull: k.value.containsNull };
    case "map":
      return {
        type: "map",
        keyType: fromProtoType(need(k.value.keyType, where), where),
        valueType: fromProtoType(need(k.value.valueType, where), where),
        valueContainsNull: k.value.valueContainsNull,
      };
    case "struct": return { type: "struct", fields: structFields(t) };
    default:
      throw new AnalysisError("UNSUPPORTED_DATATYPE", `The server's type ${k.case ?? "(none)"} of ${where} has no counterpart in the workbench's DataFrame API.`, { parameters: { typeName: String(k.case) } });
  }
}

/** The fields of a struct type (a relation's schema). */
export function structFields(t: ProtoType): StructField[] {
  if (t.kind.case !== "struct") throw new AnalysisError("CONNECT_SCHEMA", `Expected a struct schema from the server, got ${t.kind.case}.`);
  return t.kind.value.fields.map((f) => ({ name: f.name, dataType: fromProtoType(need(f.dataType, `column ${f.name}`), `column ${f.name}`), nullable: f.nullable }));
}
