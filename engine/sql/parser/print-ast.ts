// A stable one-line S-expression form of the AST, for tests and debugging. Positions are left
// out; empty clauses are omitted; a Query with nothing but a body prints as its body.

import { assertNever } from "../../common/errors";
import { simpleString } from "../types";
import type {
  Assignment, Expr, MergeAction, FrameBound, GroupingElement, Literal, Query, QueryBody, Relation, SelectItem, SortItem, Statement, TableSample, TimeTravel,
  WindowSpec,
} from "./ast";

type Node = Statement | QueryBody | Expr | Relation;

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function quoteName(part: string): string {
  return SIMPLE_NAME.test(part) ? part : "`" + part.replace(/`/g, "``") + "`";
}
const name = (parts: string[]) => parts.map(quoteName).join(".");
const str = (s: string) => "'" + s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n") + "'";
const sx = (...xs: (string | undefined | false)[]) => "(" + xs.filter((x): x is string => !!x).join(" ") + ")";

/** Print any AST node (statement, query body, expression or relation). */
export function printAst(node: Node): string {
  switch (node.kind) {
    // ---- expressions
    case "column": return name(node.name);
    case "star": return node.qualifier ? name(node.qualifier) + ".*" : "*";
    case "literal": return printLiteral(node);
    case "interval":
      return sx("interval", ...node.parts.map((p) => [str(p.value), p.unit, p.toUnit && "TO " + p.toUnit].filter(Boolean).join(" ")));
    case "unary": return sx(node.op, printAst(node.expr));
    case "binary": return sx(node.op, printAst(node.left), printAst(node.right));
    case "isNull": return sx(node.negated ? "isnotnull" : "isnull", printAst(node.expr));
    case "isBoolean":
      return sx(node.negated ? "isnot" : "is", printAst(node.expr), node.value === null ? "unknown" : String(node.value));
    case "between": return sx(node.negated ? "notbetween" : "between", printAst(node.expr), printAst(node.low), printAst(node.high));
    case "inList": return sx(node.negated ? "notin" : "in", printAst(node.expr), sx(...node.list.map(printAst)));
    case "inSubquery": return sx(node.negated ? "notin" : "in", printAst(node.expr), printAst(node.query));
    case "exists": return sx("exists", printAst(node.query));
    case "scalarSubquery": return sx("subquery", printAst(node.query));
    case "like":
      return sx((node.negated ? "not" : "") + node.op, printAst(node.expr), printAst(node.pattern),
        node.escape !== undefined && sx("escape", str(node.escape)));
    case "likeQuantified":
      return sx((node.negated ? "not" : "") + node.op + "_" + node.quantifier, printAst(node.expr), sx(...node.patterns.map(printAst)));
    case "parameter": return node.name !== undefined ? ":" + quoteName(node.name) : `?${node.index}`;
    case "case":
      return sx("case", node.operand && printAst(node.operand),
        ...node.branches.map((b) => sx("when", printAst(b.when), printAst(b.then))),
        node.else && sx("else", printAst(node.else)));
    case "cast": return sx(node.try ? "try_cast" : "cast", printAst(node.expr), simpleString(node.dataType));
    case "function":
      return sx("call", name(node.name), node.distinct && "distinct",
        ...node.args.map((a, i) => node.argAliases?.[i] !== undefined ? sx("as", printAst(a), quoteName(node.argAliases[i]!)) : printAst(a)),
        node.filter && sx("filter", printAst(node.filter)),
        node.ignoreNulls === true && "ignore_nulls", node.ignoreNulls === false && "respect_nulls",
        node.over && printWindow(node.over));
    case "lambda": return sx("lambda", sx(...node.params.map(quoteName)), printAst(node.body));
    case "subscript": return sx("at", printAst(node.expr), printAst(node.index));
    case "field": return sx("field", printAst(node.expr), quoteName(node.field));
    case "row": return sx("row", ...node.items.map(printAst));
    // ---- queries
    case "query": return printQuery(node);
    case "select":
      return sx("select", node.distinct && "distinct",
        node.hints.length > 0 && sx("hints", ...node.hints.map((h) => sx(h.name, ...h.args.map(printAst)))),
        sx(...node.items.map(printItem)),
        node.from && sx("from", printAst(node.from)),
        ...node.lateralViews.map((lv) => sx("lateral_view", lv.outer && "outer", printAst(lv.fn),
          lv.tableAlias && quoteName(lv.tableAlias), sx(...lv.columnAliases.map(quoteName)))),
        node.pivot && sx("pivot", sx(...node.pivot.aggregates.map(printItem)), sx("for", ...node.pivot.columns.map(quoteName)),
          sx("in", ...node.pivot.values.map((v) => v.alias !== undefined ? sx("as", printAst(v.expr), quoteName(v.alias)) : printAst(v.expr)))),
        node.where && sx("where", printAst(node.where)),
        node.groupBy && (node.groupBy.all ? "(group_by all)" : sx("group_by", ...node.groupBy.items.map(printGrouping))),
        node.having && sx("having", printAst(node.having)),
        node.windows.length > 0 && sx("windows", ...node.windows.map((w) => sx(quoteName(w.name), printWindow(w.spec)))));
    case "setOp": return sx(node.op + (node.all ? "_all" : ""), printAst(node.left), printAst(node.right));
    case "values": return sx("values", ...node.rows.map((r) => sx(...r.map(printAst))));
    case "tableBody": return sx("table", name(node.name));
    // ---- relations
    case "table": return sx("table", name(node.name), travel(node.timeTravel), ...alias(node));
    case "file": return sx("file", node.format, str(node.path), travel(node.timeTravel), ...alias(node));
    case "subquery": return sx("subquery", printAst(node.query), ...alias(node));
    case "tableFunction": return sx("tvf", name(node.name), ...node.args.map(printAst), ...alias(node));
    case "valuesRelation": return sx("values", ...node.rows.map((r) => sx(...r.map(printAst))), ...alias(node));
    case "join":
      return sx("join", (node.natural ? "natural_" : "") + node.joinType, printAst(node.left), printAst(node.right),
        node.on && sx("on", printAst(node.on)), node.using && sx("using", ...node.using.map(quoteName)));
    // ---- statements
    case "createView":
      return sx("create_view", name(node.name), node.replace && "or_replace", node.global && "global",
        node.temporary && "temporary", node.ifNotExists && "if_not_exists",
        node.columns && sx(...node.columns.map((col) => col.comment !== undefined ? sx(quoteName(col.name), str(col.comment)) : quoteName(col.name))),
        node.comment !== undefined && sx("comment", str(node.comment)), printAst(node.query));
    case "dropView": return sx("drop_view", name(node.name), node.ifExists && "if_exists");
    case "explain": return sx("explain", node.mode, printAst(node.statement));
    case "showTables": case "showViews":
      return sx(node.kind === "showTables" ? "show_tables" : "show_views", node.namespace && name(node.namespace),
        node.pattern !== undefined && str(node.pattern));
    case "showDatabases": return sx("show_databases", node.pattern !== undefined && str(node.pattern));
    case "showFunctions": return sx("show_functions", node.pattern !== undefined && str(node.pattern));
    case "showColumns": return sx("show_columns", name(node.table), node.namespace && name(node.namespace));
    case "describeTable":
      return sx("describe_table", name(node.name), node.extended && "extended", node.column && name(node.column));
    case "describeQuery": return sx("describe_query", printAst(node.query));
    case "describeFunction": return sx("describe_function", name(node.name), node.extended && "extended");
    case "set":
      return sx("set", node.verbose && "-v", node.key !== undefined && str(node.key), node.value !== undefined && str(node.value));
    case "reset": return sx("reset", node.key !== undefined && str(node.key));
    case "cacheTable":
      return sx("cache_table", name(node.name), node.lazy && "lazy",
        ...opts(node.options), node.query && printAst(node.query));
    case "uncacheTable": return sx("uncache_table", name(node.name), node.ifExists && "if_exists");
    case "clearCache": return "(clear_cache)";
    case "use": return sx("use", name(node.namespace));
    case "createTempViewUsing":
      return sx("create_temp_view_using", name(node.name), node.replace && "or_replace", node.global && "global",
        node.schema && str(node.schema.simpleString()), node.format, ...opts(node.options));
    case "createTable":
      return sx("create_table", name(node.name), node.replace && "or_replace", node.ifNotExists && "if_not_exists",
        node.schema && str(node.schema.simpleString()), node.format, ...opts(node.options),
        node.partitionBy.length > 0 && sx("partitioned_by", ...node.partitionBy.map(quoteName)),
        node.location !== undefined && sx("location", str(node.location)),
        node.comment !== undefined && sx("comment", str(node.comment)),
        Object.keys(node.properties).length > 0 && sx("tblproperties", ...Object.entries(node.properties).map(([k, v]) => sx(str(k), str(v)))),
        node.query && printAst(node.query));
    case "dropTable": return sx("drop_table", name(node.name), node.ifExists && "if_exists");
    case "insert":
      return sx(node.overwrite ? "insert_overwrite" : "insert_into", name(node.table),
        node.columns && sx(...node.columns.map(quoteName)), printAst(node.query));
    case "delete": return sx("delete", printAst(node.target), node.where && sx("where", printAst(node.where)));
    case "update":
      return sx("update", printAst(node.target), sx("set", ...node.assignments.map(printAssignment)),
        node.where && sx("where", printAst(node.where)));
    case "merge":
      return sx("merge", printAst(node.target), sx("using", printAst(node.source)), sx("on", printAst(node.on)),
        ...node.clauses.map((cl) => sx("when_" + cl.when, cl.condition && sx("and", printAst(cl.condition)), printMergeAction(cl.action))));
    case "describeHistory": return sx("describe_history", printAst(node.target), node.limit !== undefined && sx("limit", String(node.limit)));
    case "describeDetail": return sx("describe_detail", printAst(node.target));
    case "vacuum":
      return sx("vacuum", printAst(node.target), node.retainHours !== undefined && sx("retain_hours", String(node.retainHours)),
        node.dryRun && "dry_run");
    case "restore": return sx("restore", printAst(node.target), travel(node.to));
    case "optimize":
      return sx("optimize", printAst(node.target), node.where && sx("where", printAst(node.where)),
        node.zorderBy.length > 0 && sx("zorder_by", ...node.zorderBy.map(name)));
    default: return assertNever(node, "AST node");
  }
}

function printAssignment(a: Assignment): string {
  return sx("=", name(a.column), printAst(a.value));
}

function printMergeAction(a: MergeAction): string {
  switch (a.kind) {
    case "update": return sx("update", ...a.assignments.map(printAssignment));
    case "updateAll": return "(update *)";
    case "delete": return "(delete)";
    case "insert": return sx("insert", sx(...a.columns.map(name)), sx(...a.values.map(printAst)));
    case "insertAll": return "(insert *)";
    default: return assertNever(a, "merge action");
  }
}

function travel(t: TimeTravel | undefined): string | undefined {
  if (!t) return undefined;
  if ("version" in t) return sx("version_as_of", typeof t.version === "number" ? String(t.version) : str(t.version));
  return sx("timestamp_as_of", printAst(t.timestamp));
}

function opts(o: Record<string, string>): string[] {
  return Object.keys(o).length > 0 ? [sx("options", ...Object.entries(o).map(([k, v]) => sx(str(k), str(v))))] : [];
}

function alias(r: { alias?: string; columnAliases?: string[]; sample?: TableSample }): string[] {
  const out: string[] = [];
  if (r.sample) {
    const s = r.sample;
    const seed = s.seed !== undefined ? sx("repeatable", String(s.seed)) : undefined;
    if (s.kind === "percent") out.push(sx("sample_percent", String(s.percent), seed));
    else if (s.kind === "rows") out.push(sx("sample_rows", printAst(s.rows), seed));
    else out.push(sx("sample_bucket", String(s.numerator), String(s.denominator), seed));
  }
  if (r.alias === undefined) return out;
  out.push("as", quoteName(r.alias));
  if (r.columnAliases) out.push(sx(...r.columnAliases.map(quoteName)));
  return out;
}

function printQuery(q: Query): string {
  const extras = q.ctes.length || q.orderBy.length || q.sortBy.length || q.distributeBy.length || q.clusterBy.length ||
    q.windows.length || q.limit || q.offset;
  if (!extras) return printAst(q.body);
  return sx("query",
    q.ctes.length > 0 && sx("with", ...q.ctes.map((c) => sx(quoteName(c.name), c.columns && sx(...c.columns.map(quoteName)), printAst(c.query)))),
    printAst(q.body),
    q.windows.length > 0 && sx("windows", ...q.windows.map((w) => sx(quoteName(w.name), printWindow(w.spec)))),
    q.orderBy.length > 0 && sx("order_by", ...q.orderBy.map(printSort)),
    q.clusterBy.length > 0 && sx("cluster_by", ...q.clusterBy.map(printAst)),
    q.distributeBy.length > 0 && sx("distribute_by", ...q.distributeBy.map(printAst)),
    q.sortBy.length > 0 && sx("sort_by", ...q.sortBy.map(printSort)),
    q.limit && sx("limit", printAst(q.limit)),
    q.offset && sx("offset", printAst(q.offset)));
}

function printItem(item: SelectItem): string {
  if (item.aliases) return sx("as", printAst(item.expr), sx(...item.aliases.map(quoteName)));
  return item.alias !== undefined ? sx("as", printAst(item.expr), quoteName(item.alias)) : printAst(item.expr);
}

function printGrouping(g: GroupingElement): string {
  if (g.kind === "groupingSets" || g.kind === "rollup" || g.kind === "cube") {
    return sx(g.kind === "groupingSets" ? "grouping_sets" : g.kind, ...g.sets.map((s) => sx(...s.map(printAst))));
  }
  return printAst(g as Expr);
}

/** `(asc a)`, `(desc b nulls_first)`: the nulls order is shown only when it is not the default. */
export function printSort(s: SortItem): string {
  const dflt = s.direction === "asc" ? "first" : "last";
  return sx(s.direction, printAst(s.expr), s.nulls !== dflt && "nulls_" + s.nulls);
}

function printBound(b: FrameBound): string {
  switch (b.kind) {
    case "unboundedPreceding": return "unbounded_preceding";
    case "unboundedFollowing": return "unbounded_following";
    case "currentRow": return "current_row";
    case "preceding": return sx("preceding", printAst(b.offset));
    case "following": return sx("following", printAst(b.offset));
    default: return assertNever(b, "frame bound");
  }
}

function printWindow(w: WindowSpec): string {
  return sx("over", w.ref !== undefined && quoteName(w.ref),
    w.partitionBy.length > 0 && sx("partition", ...w.partitionBy.map(printAst)),
    w.orderBy.length > 0 && sx("order", ...w.orderBy.map(printSort)),
    w.frame && sx(w.frame.type, printBound(w.frame.start), printBound(w.frame.end)));
}

function printLiteral(l: Literal): string {
  const v = l.value;
  switch (l.dataType.type) {
    case "null": return "NULL";
    case "boolean": return v ? "TRUE" : "FALSE";
    case "integer": return String(v);
    case "long": return String(v) + "L";
    case "short": return String(v) + "S";
    case "byte": return String(v) + "Y";
    case "double": return String(v) + "D";
    case "float": return String(v) + "F";
    case "decimal": return `${String(v)}BD`;
    case "string": return str(String(v));
    case "binary": return "X'" + Array.from(v as Uint8Array, (b) => b.toString(16).padStart(2, "0").toUpperCase()).join("") + "'";
    case "date": return `DATE'${(v as Date).toISOString().slice(0, 10)}'`;
    case "timestamp": return `TIMESTAMP'${(v as Date).toISOString()}'`;
    default: return l.text;
  }
}
