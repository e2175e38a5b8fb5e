// The SQL statements that are not queries (Spark's commands: CREATE VIEW, SET, CACHE TABLE, SHOW,
// DESCRIBE, EXPLAIN, ...): run when the statement is, each answering a small result table. A query
// is bound to a lazy DataFrame. The binder only turns SQL into logical plans; this is what runs them.

import { AnalysisError } from "../../common/errors";
import type * as A from "../parser";
import { printAst } from "../parser";
import { StructType, simpleString, type DataType } from "../types";
import type { Expr } from "../expressions/expression";
import { lookupFunction, functionNames } from "../expressions/registry";
import { newExprId, outputOf, type LogicalPlan } from "../plan/logical-plan";
import { TIME_ZONE_KEY } from "../time-zone";
import { checkedSetting } from "../session-types";
import { DataFrame } from "./dataframe";
import { SqlBinder } from "../analysis/sql-binder";
import { CAST_ALIASES } from "../analysis/ast-expr";
import { createSessionTable, insertIntoSessionTable, dropSessionTable } from "./session-tables";
import type { SqlSession } from "./sql-session";
import { statementHandler } from "./statement-hooks";

/** Run one parsed statement: a query becomes a DataFrame over its plan, a command takes effect now. */
export function runStatement(session: SqlSession, s: A.Statement, text: string): DataFrame {
  return new CommandRunner(session, new SqlBinder(session, text)).run(s, text);
}

class CommandRunner {
  constructor(private readonly session: SqlSession, private readonly binder: SqlBinder) {}

  private df(plan: LogicalPlan): DataFrame {
    return new DataFrame(this.session, plan);
  }

  private resultTable(names: string[], rows: unknown[][], types?: DataType[]): DataFrame {
    const schema = new StructType(names.map((n, i) => ({ name: n, dataType: types?.[i] ?? { type: "string" }, nullable: true })));
    return this.session.createDataFrame(rows, schema);
  }

  run(s: A.Statement, text: string): DataFrame {
    switch (s.kind) {
      case "query": return this.df(this.binder.bindQuery(s));
      case "createView": {
        let plan = this.binder.bindQuery(s.query);
        if (s.columns?.length) {
          const out = outputOf(plan);
          if (out.length !== s.columns.length) {
            throw new AnalysisError("CREATE_VIEW_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS", `Cannot create view ${s.name.join(".")}, the reason is not enough data columns: View columns: ${s.columns.map((c) => c.name).join(", ")}. Data columns: ${out.map((a) => a.name).join(", ")}.`);
          }
          plan = { kind: "Project", exprs: out.map((a, i) => ({ kind: "alias", child: a, name: s.columns![i]!.name, id: newExprId() }) as Expr), child: plan };
        }
        if (!s.temporary && !s.global) {
          // No persistent metastore: permanent views behave as session views.
        }
        if (s.ifNotExists && this.session.catalog.lookup(s.global ? ["global_temp", s.name[s.name.length - 1]!] : [s.name[s.name.length - 1]!])) return this.resultTable([], []);
        this.session.catalog.createTempView(s.name[s.name.length - 1]!, plan, s.replace, s.global);
        return this.resultTable([], []);
      }
      case "dropView": {
        const dropped = this.session.catalog.dropByParts(s.name);
        if (!dropped && !s.ifExists) this.session.catalog.get(s.name);
        return this.resultTable([], []);
      }
      case "explain": {
        const inner = s.statement;
        if (inner.kind !== "query") return this.resultTable(["plan"], [[`== Physical Plan ==\nExecutedCommand ${inner.kind}\n`]]);
        const plan = this.binder.bindQuery(inner);
        const mode = s.mode === "formatted" ? "formatted" : s.mode === "simple" ? "simple" : "extended";
        const parsed = printAst(inner as never);
        return this.resultTable(["plan"], [[this.session.explainPlan(plan, mode, parsed)]]);
      }
      case "showTables": case "showViews": {
        const rx = s.pattern ? new RegExp("^" + s.pattern.replace(/\*/g, ".*").replace(/\|/g, "|") + "$", "i") : undefined;
        const rows = this.session.catalog.listTables().filter((t) => !rx || rx.test(t.name)).map((t) => ["", t.name, true]);
        return this.resultTable(s.kind === "showViews" ? ["namespace", "viewName", "isTemporary"] : ["namespace", "tableName", "isTemporary"], rows, [{ type: "string" }, { type: "string" }, { type: "boolean" }]);
      }
      case "showDatabases": return this.resultTable(["namespace"], [["default"]]);
      case "showFunctions": {
        // Spark lists builtin names sorted; LIKE takes '*' wildcards and '|' alternatives.
        const rx = s.pattern ? new RegExp("^(?:" + s.pattern.split("|").map((alt) => alt.trim().replace(/[.+?^${}()[\]\\]/g, "\\$&").replace(/\*/g, ".*")).join("|") + ")$", "i") : undefined;
        const names = functionNames().filter((n) => !rx || rx.test(n)).sort();
        return this.resultTable(["function"], names.map((n) => [n]));
      }
      case "showColumns": return this.resultTable(["col_name"], outputOf(this.session.catalog.get(s.table)).map((a) => [a.name]));
      case "describeTable": {
        const out = outputOf(this.session.catalog.get(s.name));
        return this.resultTable(["col_name", "data_type", "comment"], out.map((a) => [a.name, simpleString(a.dataType), null]));
      }
      case "describeQuery": {
        const out = outputOf(this.binder.bindQuery(s.query));
        return this.resultTable(["col_name", "data_type", "comment"], out.map((a) => [a.name, simpleString(a.dataType), null]));
      }
      case "describeFunction": {
        const name = s.name[s.name.length - 1]!;
        // The cast-style functions (boolean(x), int(x), ...) are Spark's Cast under another name.
        const castTo = Object.hasOwn(CAST_ALIASES, name.toLowerCase()) ? name.toLowerCase() : undefined;
        if (castTo) {
          return this.resultTable(["function_desc"], [
            [`Function: ${castTo}`], ["Class: org.apache.spark.sql.catalyst.expressions.Cast"],
            [`Usage: ${castTo}(expr) - Casts the value \`expr\` to the target data type \`${castTo}\`.`],
            ...(s.extended ? [[`Extended Usage:\n    No example/argument for ${castTo}.\n\n    Since: 2.0.1\n`]] : []),
          ]);
        }
        const def = lookupFunction(name);
        if (!def) throw new AnalysisError("UNRESOLVED_ROUTINE", `Cannot resolve routine \`${name}\` on search path [\`system\`.\`builtin\`, \`system\`.\`session\`, \`spark_catalog\`.\`default\`].`);
        return this.resultTable(["function_desc"], [[`Function: ${def.name}`], [`Class: ${def.kind}`], [`Usage: ${def.name}(...)`]]);
      }
      case "set": {
        if (s.key === undefined) {
          const all = (this.session.conf as { getAll?: () => Record<string, string> }).getAll?.() ?? {};
          return this.resultTable(["key", "value"], Object.entries(all).sort());
        }
        if (s.value !== undefined) this.session.conf.set(s.key, checkedSetting(s.key, s.value));
        if (s.key === TIME_ZONE_KEY) return this.resultTable(["key", "value"], [[s.key, this.session.settings().timeZone]]);
        return this.resultTable(["key", "value"], [[s.key, this.session.conf.get(s.key) ?? "<undefined>"]]);
      }
      case "reset": {
        if (s.key) this.session.conf.unset?.(s.key);
        return this.resultTable([], []);
      }
      case "cacheTable": {
        const df = s.query ? this.df(this.binder.bindQuery(s.query)) : this.session.table(s.name.join("."));
        if (s.query) this.session.catalog.createTempView(s.name[s.name.length - 1]!, df.plan, true);
        (s.query ? this.session.table(s.name.join(".")) : df).cache();
        return this.resultTable([], []);
      }
      case "uncacheTable": {
        if (this.session.catalog.lookup(s.name) || !s.ifExists) this.session.table(s.name.join(".")).unpersist();
        return this.resultTable([], []);
      }
      case "clearCache": this.session.cacheManager.clear(); return this.resultTable([], []);
      case "use": return this.resultTable([], []);
    }
    const hook = statementHandler((s as { kind: string }).kind);
    const handled = hook?.(this.session, s, text);
    if (handled) return handled;
    // No table format claimed it: session tables (session-tables.ts).
    const bindQ = (q: A.Query) => this.binder.bindQuery(q);
    switch ((s as A.Statement).kind) {
      case "createTable": createSessionTable(this.session, s as A.CreateTable, bindQ); return this.resultTable([], []);
      case "insert": insertIntoSessionTable(this.session, s as A.Insert, bindQ); return this.resultTable([], []);
      case "dropTable": dropSessionTable(this.session, s as A.DropTable); return this.resultTable([], []);
    }
    throw new AnalysisError("UNSUPPORTED_FEATURE", `Unsupported statement ${(s as { kind: string }).kind}.`);
  }
}
