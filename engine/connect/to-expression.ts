// The engine's expressions (engine/sql/expressions) as Spark Connect `Expression` messages. A
// DataFrame on a remote session is analyzed by the embedded analyzer (so a wrong column fails at
// the call, and the schema is known); what goes to the server is that analyzed tree with every
// column as an unresolved attribute by name, operators and functions as unresolved functions
// under Spark's names, aliases with the names the analyzer gave, and literals typed. Spark
// analyzes it again and runs it.

import type { MessageInitShape } from "@bufbuild/protobuf";
import { AnalysisError } from "../common/errors";
import { toDecimal } from "../common/decimal";
import type { Attr, Expr, FrameBound, SortExpr, WindowFrame } from "../sql/expressions/expression";
import { simpleString, type DataType } from "../sql/types";
import {
  Expression_Cast_EvalMode, Expression_SortOrder_NullOrdering, Expression_SortOrder_SortDirection,
  Expression_Window_WindowFrame_FrameType, type ExpressionSchema,
} from "./gen/spark/connect/expressions_pb";

export type PExpr = MessageInitShape<typeof ExpressionSchema>;
type PSortOrder = NonNullable<Extract<PExpr["exprType"], { case: "sortOrder" }>["value"]>;

/** How an attribute is named on the server: its name there and, when the name alone is ambiguous, the plan it comes from. */
export type AttrRef = (a: Attr) => { name: string; planId?: bigint };

/** A name as one identifier part of Spark's unparsed identifiers (back-quoted when needed). */
export function quoteIdent(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : "`" + name.replace(/`/g, "``") + "`";
}

const fnCall = (functionName: string, args: PExpr[], isDistinct = false): PExpr =>
  ({ exprType: { case: "unresolvedFunction", value: { functionName, arguments: args, isDistinct } } });

const NO_FRAME = new Set(["lag", "lead", "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile"]);

/** The engine's internal function names that Spark spells differently. */
const SPARK_NAMES: Record<string, string> = { "=": "==", window_sliding: "window" };

export class ExpressionWriter {
  constructor(private readonly ref: AttrRef) {}

  expr(e: Expr): PExpr {
    switch (e.kind) {
      case "attr": {
        const r = this.ref(e);
        return { exprType: { case: "unresolvedAttribute", value: { unparsedIdentifier: quoteIdent(r.name), planId: r.planId } } };
      }
      case "col": return { exprType: { case: "unresolvedAttribute", value: { unparsedIdentifier: e.parts.map(quoteIdent).join(".") } } };
      case "star": return { exprType: { case: "unresolvedStar", value: { unparsedTarget: e.qualifier ? `${quoteIdent(e.qualifier)}.*` : undefined } } };
      case "lit": return literal(e.value, e.dataType);
      case "alias": return { exprType: { case: "alias", value: { expr: this.expr(e.child), name: e.names ?? [e.name] } } };
      case "cast":
        return { exprType: { case: "cast", value: { expr: this.expr(e.child), castToType: { case: "typeStr", value: simpleString(e.to) }, evalMode: e.isTry ? Expression_Cast_EvalMode.TRY : Expression_Cast_EvalMode.UNSPECIFIED } } };
      case "fn": return this.fn(e);
      case "case": {
        const args = e.branches.flatMap((b) => [this.expr(b.when), this.expr(b.then)]);
        if (e.otherwise) args.push(this.expr(e.otherwise));
        return fnCall("when", args);
      }
      case "in": return fnCall("in", [this.expr(e.child), ...e.list.map((x) => this.expr(x))]);
      case "sort": return { exprType: { case: "sortOrder", value: this.sortOrder(e) } };
      case "window":
        return {
          exprType: {
            case: "window",
            value: {
              windowFunction: this.expr(e.fn),
              partitionSpec: e.spec.partitionBy.map((x) => this.expr(x)),
              orderSpec: e.spec.orderBy.map((o) => this.sortOrder(o)),
              // Ranking and offset functions take no frame in Spark (the analyzer gave them one).
              frameSpec: e.spec.frame && !(e.fn.kind === "fn" && NO_FRAME.has(e.fn.name.toLowerCase())) ? this.frame(e.spec.frame) : undefined,
            },
          },
        };
      case "lambda":
        return {
          exprType: {
            case: "lambdaFunction",
            value: { function: this.expr(e.body), arguments: e.params.map((p) => ({ nameParts: [p] })) },
          },
        };
      case "lvar": return { exprType: { case: "unresolvedNamedLambdaVariable", value: { nameParts: [e.name] } } };
      case "unresolvedAlias": return this.expr(e.child);
      case "ref":
      case "subquery":
        throw notRemote(`a ${e.kind === "ref" ? "bound reference" : "subquery"} inside a DataFrame expression`);
    }
  }

  sortOrder(o: SortExpr): PSortOrder {
    return {
      child: this.expr(o.child),
      direction: o.ascending ? Expression_SortOrder_SortDirection.ASCENDING : Expression_SortOrder_SortDirection.DESCENDING,
      nullOrdering: o.nullsFirst ? Expression_SortOrder_NullOrdering.SORT_NULLS_FIRST : Expression_SortOrder_NullOrdering.SORT_NULLS_LAST,
    };
  }

  private fn(e: Expr & { kind: "fn" }): PExpr {
    if (e.udf) throw notRemote(`the JavaScript UDF ${e.udf.name}() (Spark Connect runs Python, Scala and Java UDFs only)`);
    const args = e.args.map((a) => this.expr(a));
    switch (e.name) {
      case "getfield":
      case "getitem": return { exprType: { case: "unresolvedExtractValue", value: { child: args[0], extraction: args[1] } } };
      case "with_field": {
        const field = e.args[1];
        return { exprType: { case: "updateFields", value: { structExpression: args[0], fieldName: String(field?.kind === "lit" ? field.value : ""), valueExpression: args[2] } } };
      }
      case "drop_field": {
        const field = e.args[1];
        return { exprType: { case: "updateFields", value: { structExpression: args[0], fieldName: String(field?.kind === "lit" ? field.value : "") } } };
      }
      default: return fnCall(SPARK_NAMES[e.name] ?? e.name, args, e.distinct ?? false);
    }
  }

  private frame(f: WindowFrame) {
    const bound = (b: FrameBound) => {
      switch (b.type) {
        case "currentRow": return { boundary: { case: "currentRow" as const, value: true } };
        case "unboundedPreceding":
        case "unboundedFollowing": return { boundary: { case: "unbounded" as const, value: true } };
        case "offset": {
          if (b.interval || b.months !== undefined) throw notRemote("a RANGE frame with an INTERVAL offset");
          return { boundary: { case: "value" as const, value: literal(b.offset ?? 0, { type: f.frameType === "rows" ? "integer" : "long" }) } };
        }
      }
    };
    return {
      frameType: f.frameType === "rows" ? Expression_Window_WindowFrame_FrameType.ROW : Expression_Window_WindowFrame_FrameType.RANGE,
      lower: bound(f.lower),
      upper: bound(f.upper),
    };
  }
}

const DAY_MS = 86_400_000;

/** A literal of the engine's type `dt` (its internal value) as Spark Connect's typed literal. */
export function literal(v: unknown, dt: DataType): PExpr {
  const lit = (l: NonNullable<Extract<PExpr["exprType"], { case: "literal" }>["value"]>["literalType"]): PExpr => ({ exprType: { case: "literal", value: { literalType: l } } });
  if (v === null || v === undefined) {
    const nul = lit({ case: "null", value: { kind: { case: "null", value: {} } } });
    return dt.type === "null" ? nul : { exprType: { case: "cast", value: { expr: nul, castToType: { case: "typeStr", value: simpleString(dt) } } } };
  }
  switch (dt.type) {
    case "boolean": return lit({ case: "boolean", value: Boolean(v) });
    case "byte": return lit({ case: "byte", value: Number(v) });
    case "short": return lit({ case: "short", value: Number(v) });
    case "integer": return lit({ case: "integer", value: Number(v) });
    case "long": return lit({ case: "long", value: BigInt(v as number | bigint) });
    case "float": return lit({ case: "float", value: Number(v) });
    case "double": return lit({ case: "double", value: Number(v) });
    case "string": return lit({ case: "string", value: String(v) });
    case "binary": return lit({ case: "binary", value: v as Uint8Array });
    case "decimal": {
      const d = toDecimal(v, dt.precision, dt.scale);
      return lit({ case: "decimal", value: { value: String(d ?? v), precision: dt.precision, scale: dt.scale } });
    }
    case "date": return lit({ case: "date", value: Math.floor((v as Date).getTime() / DAY_MS) });
    case "timestamp": return lit({ case: "timestamp", value: BigInt((v as Date).getTime()) * 1000n });
    case "interval_ym": return lit({ case: "yearMonthInterval", value: Number(v) });
    case "interval_dt": return lit({ case: "dayTimeInterval", value: BigInt(Math.round(Number(v))) });
    case "array": return fnCall("array", (v as unknown[]).map((x) => literal(x, dt.elementType)));
    case "struct": {
      const o = v as Record<string, unknown>;
      return fnCall("named_struct", dt.fields.flatMap((f) => [literal(f.name, { type: "string" }), literal(o[f.name], f.dataType)]));
    }
    case "map": {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      return fnCall("map", entries.flatMap(([k, x]) => [literal(k, dt.keyType), literal(x, dt.valueType)]));
    }
    case "null": return literal(null, dt);
    case "vector": throw notRemote("an ML vector literal");
  }
}

/** What a remote session cannot send, as Spark Connect's own refusal would read. */
export function notRemote(what: string): AnalysisError {
  return new AnalysisError("UNSUPPORTED_FEATURE.SPARK_CONNECT", `${what} cannot run on a remote (Spark Connect) session; it runs on the embedded engine only.`, { parameters: { feature: what } });
}
