// danfojs-node interop: engine rows <-> danfo DataFrames. danfojs-node (TensorFlow.js underneath)
// takes seconds to load, so it is imported only when these functions are first called.

import { Decimal } from "../../common/decimal";
import { setField } from "../../common/fields";
import { AnalysisError } from "../../common/errors";
import { StructType, type DataType } from "../types";
import type { Row } from "./types";

type DanfoModule = typeof import("danfojs-node");
let danfo: Promise<DanfoModule> | null = null;
function loadDanfo(): Promise<DanfoModule> {
  // An optional peer dependency (it does not install from the npm registry alone: see the README).
  danfo ??= import("danfojs-node").catch((e: Error) => {
    danfo = null;
    throw new AnalysisError("MISSING_DEPENDENCY", `danfojs DataFrames need the optional package danfojs-node, which is not installed here (${e.message.split("\n")[0]}). ` +
      'Install it beside bigdata-workbench: npm install danfojs-node@1.2.0, with "overrides": {"xlsx": "0.18.5", "@tensorflow/tfjs-node": "npm:@tensorflow/tfjs@3.21.0"} in your package.json.');
  });
  return danfo;
}

/** danfo's dtype for an engine type (danfo knows int32, float32, string, boolean only). */
export function danfoDtype(dt: DataType): "int32" | "float32" | "string" | "boolean" {
  switch (dt.type) {
    case "byte": case "short": case "integer": case "long": return "int32";
    case "float": case "double": case "decimal": return "float32";
    case "boolean": return "boolean";
    default: return "string";
  }
}

function toDanfoValue(v: unknown, dt: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Decimal) return v.toNumber(); // float32 column, as pandas gives decimals as floats
  if (v instanceof Date) return dt.type === "date" ? v.toISOString().slice(0, 10) : v.toISOString();
  if (typeof v === "object") return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x));
  return v;
}

/**
 * The part of a danfo DataFrame the engine reads (fromDanfo) and declares toDanfo's result as.
 * danfojs-node is an optional peer whose own declarations (with TensorFlow.js', xlsx' ...) are
 * large, and every notebook kernel parses the engine's declarations at start: they stay out of
 * them. Cast to danfo's `DataFrame` for the rest of its API.
 */
export interface DanfoFrame {
  readonly columns: string[];
  readonly dtypes: string[];
  /** Rows, each an array of the row's values in column order. */
  readonly values: unknown[];
  /** [rows, columns]. */
  readonly shape: number[];
  /** Prints the frame as a table. */
  print(): void;
}

/** A danfo DataFrame with one column per schema field, in schema order. */
export async function toDanfo(schema: StructType, rows: Row[]): Promise<DanfoFrame> {
  const dfd = await loadDanfo();
  const data: Record<string, unknown[]> = {};
  for (const f of schema.fields) data[f.name] = rows.map((r) => toDanfoValue(r[f.name], f.dataType));
  const dtypes = schema.fields.map((f) => danfoDtype(f.dataType));
  if (rows.length === 0) return new dfd.DataFrame([], { columns: schema.fieldNames, dtypes } as never);
  return new dfd.DataFrame(data as never, { columns: schema.fieldNames, dtypes } as never);
}

function engineType(dtype: string): DataType {
  switch (dtype) {
    case "int32": return { type: "long" };
    case "float32": return { type: "double" };
    case "boolean": return { type: "boolean" };
    case "string": return { type: "string" };
    default: return { type: "string" };
  }
}

/** Engine schema and rows of a danfo DataFrame (int32 -> bigint column, float32 -> double). */
export function fromDanfo(df: Pick<DanfoFrame, "columns" | "dtypes" | "values">): { schema: StructType; rows: Row[] } {
  if (!df || !Array.isArray(df.columns) || !Array.isArray(df.dtypes)) {
    throw new AnalysisError("INVALID_DANFO_DATAFRAME", "fromDanfo expects a danfo DataFrame.", {});
  }
  const types = df.dtypes.map(engineType);
  const schema = new StructType(df.columns.map((name, i) => ({ name, dataType: types[i]!, nullable: true })));
  const rows = (df.values as unknown[][]).map((vals) => {
    const r: Row = {};
    df.columns.forEach((c, i) => {
      const v = vals[i];
      // danfo marks missing numbers as NaN.
      setField(r, c, v === undefined || v === null || (typeof v === "number" && Number.isNaN(v)) ? null : v);
    });
    return r;
  });
  return { schema, rows };
}
