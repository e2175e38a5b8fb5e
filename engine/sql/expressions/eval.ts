// Compiles a resolved, bound expression tree into a closure over rows (arrays). Runs on workers:
// the tree arrives as plain data and is compiled once per task; nulls propagate through every
// function unless its registry entry says it is null-safe.

import { InternalError } from "../../common/errors";
import type { Expr } from "./expression";
import { castValue } from "./cast";
import { compileIn } from "./functions-core";
import { lookupFunction, typeOf, type EvalContext, type RowFn, type EvalInfo } from "./registry";
import { exprPlan } from "./print";
import { UTC } from "../time-zone";

export function defaultEvalContext(partitionId = 0, conf: { ansi?: boolean; nowMillis?: number; seed?: number; timeZone?: string } = {}): EvalContext {
  return { ansi: conf.ansi ?? false, nowMillis: conf.nowMillis ?? Date.now(), timeZone: conf.timeZone ?? UTC, partitionId, rowCounter: { n: 0 }, seed: conf.seed ?? 42 };
}

/** Compile `e`. Attributes are found through `bindings` (attr id -> row position) when given. */
export function compileExpr(e: Expr, ctx: EvalContext, bindings?: Map<number, number>, lambdaEnv?: Map<string, { v: unknown }>): RowFn {
  const rec = (x: Expr) => compileExpr(x, ctx, bindings, lambdaEnv);
  switch (e.kind) {
    case "ref": { const i = e.index; return (row) => row[i]; }
    case "attr": {
      const i = bindings?.get(e.id);
      if (i === undefined) throw new InternalError("INTERNAL_ERROR", `unbound attribute ${e.name}#${e.id}`);
      return (row) => row[i];
    }
    case "lit": { const v = e.value === undefined ? null : e.value; return () => v; }
    case "alias": case "sort": case "unresolvedAlias": return rec(e.child);
    case "cast": {
      const c = rec(e.child);
      const from = typeOf(e.child), to = e.to, ansi = ctx.ansi && !e.isTry, tz = ctx.timeZone;
      if (e.isTry) {
        return (row) => { try { return castValue(c(row), from, to, true, tz); } catch { return null; } };
      }
      return (row) => castValue(c(row), from, to, ansi, tz);
    }
    case "case": {
      const br = e.branches.map((b) => [rec(b.when), rec(b.then)] as const);
      const other = e.otherwise ? rec(e.otherwise) : () => null;
      return (row) => {
        for (const [w, t] of br) if (w(row) === true) return t(row);
        return other(row);
      };
    }
    case "in": return compileIn(rec(e.child), e.list.map(rec));
    case "lvar": {
      const slot = lambdaEnv?.get(e.name);
      if (!slot) throw new InternalError("INTERNAL_ERROR", `unbound lambda variable ${e.name}`);
      return () => slot.v;
    }
    case "lambda": return rec(e.body);
    case "fn": {
      if (HIGHER_ORDER.has(e.name)) return compileHigherOrder(e, ctx, bindings, lambdaEnv);
      const def = lookupFunction(e.name);
      if (!def || def.kind !== "scalar") {
        throw new InternalError("INTERNAL_ERROR", `cannot evaluate ${def?.kind ?? "unknown"} function in a row context: ${exprPlan(e)}`);
      }
      const info: EvalInfo = { argTypes: e.args.map(typeOf), dataType: e.dataType!, ctx, node: e };
      const args = e.args.map((a) => (a.kind === "lambda" ? () => null : rec(a)));
      if (def.compile) {
        return def.compile(args, info, (i) => rec(e.args[i]!));
      }
      const f = def.eval!;
      if (def.nullSafe) {
        if (args.length === 1) { const a = args[0]!; return (row) => f([a(row)], info); }
        return (row) => f(args.map((a) => a(row)), info);
      }
      switch (args.length) {
        case 0: return () => f([], info);
        case 1: {
          const a = args[0]!;
          return (row) => { const x = a(row); return x === null || x === undefined ? null : f([x], info); };
        }
        case 2: {
          const a = args[0]!, b = args[1]!;
          return (row) => {
            const x = a(row);
            if (x === null || x === undefined) return null;
            const y = b(row);
            return y === null || y === undefined ? null : f([x, y], info);
          };
        }
        default:
          return (row) => {
            const vals = new Array(args.length);
            for (let i = 0; i < args.length; i++) {
              const v = args[i]!(row);
              if (v === null || v === undefined) return null;
              vals[i] = v;
            }
            return f(vals, info);
          };
      }
    }
    case "col": case "star": case "subquery": case "window":
      throw new InternalError("INTERNAL_ERROR", `cannot evaluate unplanned expression ${exprPlan(e)}`);
  }
}

/** Evaluate a foldable expression once (constant folding, literals in DataFrame calls). */
export function evalConstant(e: Expr, ctx: EvalContext = defaultEvalContext()): unknown {
  return compileExpr(e, ctx)([]);
}

const HIGHER_ORDER = new Set(["transform", "filter", "exists", "forall", "aggregate"]);

/** transform/filter/exists/forall/aggregate: lambda parameters live in slots of a lambda environment. */
function compileHigherOrder(e: Expr & { kind: "fn" }, ctx: EvalContext, bindings?: Map<number, number>, outerEnv?: Map<string, { v: unknown }>): RowFn {
  const env = new Map(outerEnv ?? []);
  const lambdas = e.args.filter((a): a is Expr & { kind: "lambda" } => a.kind === "lambda");
  for (const l of lambdas) for (const p of l.params) if (!env.has(p)) env.set(p, { v: null });
  const rec = (x: Expr) => compileExpr(x, ctx, bindings, env);
  const arr = rec(e.args[0]!);
  const slot = (l: Expr & { kind: "lambda" }, i: number) => env.get(l.params[i]!)!;
  switch (e.name) {
    case "transform": case "filter": case "exists": case "forall": {
      const l = e.args[1] as Expr & { kind: "lambda" };
      const body = rec(l.body);
      const x = slot(l, 0), idx = l.params.length > 1 ? slot(l, 1) : undefined;
      return (row) => {
        const a = arr(row) as unknown[] | null;
        if (a === null || a === undefined) return null;
        const res: unknown[] = [];
        let sawNull = false;
        for (let i = 0; i < a.length; i++) {
          x.v = a[i];
          if (idx) idx.v = i;
          const v = body(row);
          if (e.name === "transform") res.push(v);
          else if (e.name === "filter") { if (v === true) res.push(a[i]); }
          else if (e.name === "exists") { if (v === true) return true; if (v === null) sawNull = true; }
          else if (v === false) return false; else if (v === null) sawNull = true;
        }
        if (e.name === "exists") return sawNull ? null : false;
        if (e.name === "forall") return sawNull ? null : true;
        return res;
      };
    }
    case "aggregate": {
      const zero = rec(e.args[1]!);
      const merge = e.args[2] as Expr & { kind: "lambda" };
      const fin = e.args[3] as (Expr & { kind: "lambda" }) | undefined;
      const mBody = rec(merge.body), fBody = fin ? rec(fin.body) : undefined;
      const acc = slot(merge, 0), x = slot(merge, 1);
      return (row) => {
        const a = arr(row) as unknown[] | null;
        if (a === null || a === undefined) return null;
        let v = zero(row);
        for (const el of a) { acc.v = v; x.v = el; v = mBody(row); }
        if (fin && fBody) { slot(fin, 0).v = v; return fBody(row); }
        return v;
      };
    }
  }
  throw new InternalError("INTERNAL_ERROR", `unknown higher-order function ${e.name}`);
}
