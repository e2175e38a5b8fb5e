// Reads a function's source text (Function.prototype.toString) and finds the free identifiers it
// uses, so only those are fetched from the closure scopes V8 reports (a scope holds every
// variable ANY closure in it uses, not just ours). Parsing uses acorn (small, loads in a few ms),
// required lazily so worker processes, which only deserialize, never load it. Results are cached
// by source text: the analysis of a given text never changes.

import { createRequire } from "node:module";
import { InternalError } from "../errors";

export interface SourceAnalysis {
  /** How the text parses: as an expression (arrow/function/class) or as an object method. */
  form: "expr" | "method";
  /** Identifiers used but not declared inside the function, in first-use order. */
  free: string[];
  /**
   * For each free name used as NAME.prop or NAME["prop"]: those property names. Lets module
   * namespaces and tslab's `exports` (earlier cells' variables become exports.NAME) ship only
   * the members the code uses.
   */
  members: Map<string, string[]>;
  /** Free names also used some other way than member access. */
  wholeUse: Set<string>;
  /**
   * A class's `extends` expression. V8 does not keep it in any closure (it runs once, when the
   * class is defined), so the serializer binds it to Object.getPrototypeOf(class). An
   * identifier is bound by name; anything else is replaced in the text (start/end in `src`).
   */
  heritage?: { name: string } | { start: number; end: number };
  /**
   * An arrow function uses the `this` (or `super`) of the code around it. V8 does not expose
   * that binding to the inspector, so it cannot be shipped.
   */
  usesOuterThis?: boolean;
  /** The text declares or uses private names (#x): instances carry state that cannot be read. */
  usesPrivateNames?: boolean;
}

/** The ESTree subset we look at; every node has a type and source offsets. */
interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

type Parse = (text: string, opts: object) => Node;
let acornParse: Parse | undefined;
function parseWith(text: string, sourceType: "script" | "module"): Node {
  acornParse ??= (createRequire(import.meta.url)("acorn") as { parse: Parse }).parse;
  // Arrows inside methods may use super and new.target; their text alone is still a valid function.
  return acornParse(text, { ecmaVersion: "latest", sourceType, allowSuperOutsideMethod: true, allowNewDotTarget: true });
}

/**
 * Load the parser and run it once over a function that uses most of the syntax closures do, without
 * caching the result. A driver does this while its workers start: the first job shipping closures
 * then skips loading acorn and compiling its parser's functions (measured: its first analyses
 * 15-19 ms cold, 2 ms after this).
 */
export function warmSourceAnalysis(): void {
  analyzeUncached("async function* warm(a, { b, c: [d] }, ...e) { class K extends Object { #p = 1; static { } m() { return super.m?.(`${a}`) ?? new.target; } } " +
    "for (const x of a) yield x; let i = 0; while (i < e.length) i++; try { await b; } catch { } return (f) => f + /r/g.test(d) + 1n + (i > 0 ? [...e] : { d }); }");
}

const cache = new Map<string, SourceAnalysis>();
const CACHE_LIMIT = 5000;

export function analyzeSource(src: string): SourceAnalysis {
  let a = cache.get(src);
  if (a === undefined) {
    a = analyzeUncached(src);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(src, a);
  }
  return a;
}

function tryParse(text: string): Node | undefined {
  for (const sourceType of ["script", "module"] as const) {
    try { return parseWith(text, sourceType); } catch { /* next */ }
  }
  return undefined;
}

function analyzeUncached(src: string): SourceAnalysis {
  // "\n" before the closing bracket: the text may end in a line comment.
  let root: Node | undefined;
  let form: "expr" | "method" = "expr";
  const asExpr = tryParse(`(${src}\n)`);
  const body = asExpr?.body as Node[] | undefined;
  if (body && body.length === 1 && body[0]!.type === "ExpressionStatement") {
    root = (body[0] as Node).expression as Node;
  } else {
    form = "method";
    const asMethod = tryParse(`({${src}\n})`);
    const b = asMethod?.body as Node[] | undefined;
    const obj = b && b.length === 1 ? ((b[0] as Node).expression as Node | undefined) : undefined;
    const props = obj?.type === "ObjectExpression" ? (obj.properties as Node[]) : undefined;
    if (props && props.length === 1) root = props[0];
  }
  if (root === undefined) {
    throw new InternalError("INTERNAL_ERROR", `cannot parse function source: ${src.slice(0, 200)}`);
  }
  const a = freeVariables(root, form);
  if (root.type === "ClassExpression" && root.superClass) {
    const ext = root.superClass as Node;
    // Offsets are in the wrapped text: "(" + src.
    a.heritage = ext.type === "Identifier" ? { name: ext.name as string } : { start: ext.start - 1, end: ext.end - 1 };
  }
  return a;
}

// ---- scope analysis -------------------------------------------------------------------------

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
const FUNCTION_SCOPES = new Set([...FUNCTIONS, "Program", "StaticBlock"]);
const BLOCK_SCOPES = new Set([
  ...FUNCTION_SCOPES, "BlockStatement", "ForStatement", "ForInStatement", "ForOfStatement",
  "SwitchStatement", "CatchClause", "ClassDeclaration", "ClassExpression",
]);
const SKIP_KEYS = new Set(["type", "start", "end", "loc", "range", "raw", "regex", "bigint"]);

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && typeof (v as Node).type === "string";
}

function eachChild(n: Node, f: (child: Node, key: string) => void): void {
  for (const key in n) {
    if (SKIP_KEYS.has(key)) continue;
    const v = n[key];
    if (Array.isArray(v)) { for (const c of v) if (isNode(c)) f(c, key); }
    else if (isNode(v)) f(v, key);
  }
}

/** Identifiers a binding pattern declares, plus the expressions inside it (defaults, computed keys). */
function patternParts(p: Node, names: string[], exprs: Node[]): void {
  switch (p.type) {
    case "Identifier": names.push(p.name as string); return;
    case "ObjectPattern":
      for (const prop of p.properties as Node[]) {
        if (prop.type === "RestElement") patternParts(prop.argument as Node, names, exprs);
        else {
          if (prop.computed) exprs.push(prop.key as Node);
          patternParts(prop.value as Node, names, exprs);
        }
      }
      return;
    case "ArrayPattern":
      for (const el of p.elements as (Node | null)[]) if (el) patternParts(el, names, exprs);
      return;
    case "RestElement": patternParts(p.argument as Node, names, exprs); return;
    case "AssignmentPattern": patternParts(p.left as Node, names, exprs); exprs.push(p.right as Node); return;
    default: exprs.push(p); // a member expression target: an ordinary expression
  }
}

function freeVariables(root: Node, form: "expr" | "method"): SourceAnalysis {
  const declared = new Map<Node, Set<string>>();
  const declare = (scope: Node | undefined, names: string[]) => {
    if (!scope || names.length === 0) return;
    let s = declared.get(scope);
    if (!s) declared.set(scope, (s = new Set()));
    for (const n of names) s.add(n);
  };
  const nearest = (stack: Node[], kinds: Set<string>): Node | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) if (kinds.has(stack[i]!.type)) return stack[i];
    return undefined;
  };

  // Pass 1: declarations, attached to the node (scope) that owns them. `stack` holds ancestors.
  const stack: Node[] = [];
  const collect = (n: Node): void => {
    switch (n.type) {
      case "VariableDeclaration": {
        const names: string[] = [];
        for (const d of n.declarations as Node[]) patternParts(d.id as Node, names, []);
        declare(nearest(stack, n.kind === "var" ? FUNCTION_SCOPES : BLOCK_SCOPES), names);
        break;
      }
      case "FunctionDeclaration":
        if (n.id) {
          // Block-scoped in strict code, var-scoped in sloppy code: accept both.
          declare(nearest(stack, BLOCK_SCOPES), [(n.id as Node).name as string]);
          declare(nearest(stack, FUNCTION_SCOPES), [(n.id as Node).name as string]);
        }
        break;
      case "ClassDeclaration":
        if (n.id) declare(nearest(stack, BLOCK_SCOPES), [(n.id as Node).name as string]);
        break;
      case "CatchClause":
        if (n.param) { const names: string[] = []; patternParts(n.param as Node, names, []); declare(n, names); }
        break;
    }
    if (FUNCTIONS.has(n.type)) {
      const names: string[] = [];
      for (const p of n.params as Node[]) patternParts(p, names, []);
      if (n.type !== "ArrowFunctionExpression") names.push("arguments");
      if (n.type === "FunctionExpression" && n.id) names.push((n.id as Node).name as string);
      declare(n, names);
    }
    if ((n.type === "ClassExpression" || n.type === "ClassDeclaration") && n.id) declare(n, [(n.id as Node).name as string]);
    stack.push(n);
    eachChild(n, collect);
    stack.pop();
  };
  collect(root);

  const free: string[] = [];
  const freeSet = new Set<string>();
  const members = new Map<string, string[]>();
  const wholeUse = new Set<string>();
  const member = (name: string, prop: string) => {
    const l = members.get(name);
    if (!l) members.set(name, [prop]);
    else if (!l.includes(prop)) l.push(prop);
  };

  const reference = (id: Node, parent: Node | undefined) => {
    const name = id.name as string;
    for (let i = stack.length - 1; i >= 0; i--) if (declared.get(stack[i]!)?.has(name)) return;
    if (!freeSet.has(name)) { freeSet.add(name); free.push(name); }
    if (parent?.type === "MemberExpression" && parent.object === id) {
      const prop = parent.property as Node;
      if (!parent.computed && prop.type === "Identifier") return member(name, prop.name as string);
      if (parent.computed && prop.type === "Literal" && typeof prop.value === "string") return member(name, prop.value);
    }
    wholeUse.add(name);
  };

  // Pass 2: references. Declaration positions are skipped; their inner expressions are visited.
  let usesPrivateNames = false;
  let usesOuterThis = false;
  // Depth of functions/classes inside root that bind their own `this` (root itself excluded).
  let ownThisDepth = 0;
  const visit = (n: Node, parent: Node | undefined, key: string | undefined): void => {
    if (n.type === "PrivateIdentifier") { usesPrivateNames = true; return; }
    if ((n.type === "ThisExpression" || n.type === "Super") && ownThisDepth === 0) usesOuterThis = true;
    if (n.type === "Identifier") {
      if (parent) {
        const t = parent.type;
        if (t === "MemberExpression" && key === "property" && !parent.computed) return;
        if ((t === "Property" || t === "MethodDefinition" || t === "PropertyDefinition") && key === "key" && !parent.computed) return;
        if ((t === "LabeledStatement" || t === "BreakStatement" || t === "ContinueStatement") && key === "label") return;
        if (t === "MetaProperty") return;
      }
      reference(n, parent);
      return;
    }
    const declExprs: Node[] = [];
    let skipKeys: string[] = [];
    switch (n.type) {
      case "VariableDeclarator": patternParts(n.id as Node, [], declExprs); skipKeys = ["id"]; break;
      case "FunctionDeclaration": case "FunctionExpression": case "ArrowFunctionExpression":
        for (const p of n.params as Node[]) patternParts(p, [], declExprs);
        skipKeys = ["id", "params"];
        break;
      case "ClassDeclaration": case "ClassExpression": skipKeys = ["id"]; break;
      case "CatchClause": if (n.param) patternParts(n.param as Node, [], declExprs); skipKeys = ["param"]; break;
    }
    const bindsThis = n !== root && (n.type === "FunctionExpression" || n.type === "FunctionDeclaration"
      || n.type === "ClassBody" || n.type === "StaticBlock");
    if (bindsThis) ownThisDepth++;
    stack.push(n);
    for (const e of declExprs) visit(e, n, undefined);
    eachChild(n, (c, k) => { if (!skipKeys.includes(k)) visit(c, n, k); });
    stack.pop();
    if (bindsThis) ownThisDepth--;
  };
  visit(root, undefined, undefined);
  // Only an arrow at the root inherits `this` from outside; other roots bind their own.
  const rootIsArrow = root.type === "ArrowFunctionExpression";
  const a: SourceAnalysis = { form, free, members, wholeUse };
  if (usesPrivateNames) a.usesPrivateNames = true;
  if (usesOuterThis && rootIsArrow) a.usesOuterThis = true;
  return a;
}
