// Reads a function's source text (Function.prototype.toString) and finds the free identifiers it
// uses, so only those are fetched from the closure scopes V8 reports (a scope holds every
// variable ANY closure in it uses, not just ours). Parsing uses the TypeScript compiler, loaded
// lazily so worker processes, which only deserialize, never pay for it. Results are cached by
// source text: the analysis of a given text never changes.

import { createRequire } from "node:module";
import type * as TS from "typescript";
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
}

let tsModule: typeof TS | undefined;
function ts(): typeof TS {
  tsModule ??= createRequire(import.meta.url)("typescript") as typeof TS;
  return tsModule;
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

function parse(text: string): TS.SourceFile | undefined {
  const t = ts();
  const sf = t.createSourceFile("closure.js", text, t.ScriptTarget.Latest, true, t.ScriptKind.JS);
  const diags = (sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics;
  return diags && diags.length > 0 ? undefined : sf;
}

function analyzeUncached(src: string): SourceAnalysis {
  const t = ts();
  // "\n" before the closing bracket: the text may end in a line comment.
  let sf = parse(`(${src}\n)`);
  let root: TS.Node | undefined;
  if (sf) {
    const st = sf.statements[0];
    if (sf.statements.length === 1 && st && t.isExpressionStatement(st) && t.isParenthesizedExpression(st.expression)) {
      root = st.expression.expression;
    }
  }
  if (root === undefined) {
    sf = parse(`({${src}\n})`);
    const st = sf?.statements[0];
    if (sf && st && t.isExpressionStatement(st) && t.isParenthesizedExpression(st.expression)
      && t.isObjectLiteralExpression(st.expression.expression) && st.expression.expression.properties.length === 1) {
      root = st.expression.expression.properties[0];
    }
  }
  if (root === undefined || sf === undefined) {
    throw new InternalError("INTERNAL_ERROR", `cannot parse function source: ${src.slice(0, 200)}`);
  }
  const a = freeVariables(root);
  if (t.isClassLike(root)) {
    const ext = root.heritageClauses?.find((h) => h.token === t.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (ext) {
      // Offsets are in the wrapped text: "(" + src for expressions.
      a.heritage = t.isIdentifier(ext) ? { name: ext.text } : { start: ext.getStart(sf) - 1, end: ext.end - 1 };
    }
  }
  return a;
}

// ---- scope analysis -------------------------------------------------------------------------

function isFunctionScope(n: TS.Node): boolean {
  const t = ts();
  return t.isFunctionLike(n) || t.isClassStaticBlockDeclaration(n) || t.isSourceFile(n);
}

function isBlockScope(n: TS.Node): boolean {
  const t = ts();
  return isFunctionScope(n) || t.isBlock(n) || t.isForStatement(n) || t.isForInStatement(n)
    || t.isForOfStatement(n) || t.isCaseBlock(n) || t.isCatchClause(n) || t.isClassLike(n);
}

function bindingNames(name: TS.BindingName, out: string[]): void {
  const t = ts();
  if (t.isIdentifier(name)) out.push(name.text);
  else {
    for (const el of name.elements) {
      if (t.isBindingElement(el)) bindingNames(el.name, out);
    }
  }
}

function freeVariables(root: TS.Node): SourceAnalysis {
  const t = ts();
  const declared = new Map<TS.Node, Set<string>>();
  const declare = (scope: TS.Node | undefined, names: string[]) => {
    if (!scope) return;
    let s = declared.get(scope);
    if (!s) declared.set(scope, (s = new Set()));
    for (const n of names) s.add(n);
  };
  const nearest = (from: TS.Node, pred: (n: TS.Node) => boolean): TS.Node | undefined => {
    for (let p: TS.Node | undefined = from; p; p = p.parent) if (pred(p)) return p;
    return undefined;
  };

  // Pass 1: declarations, attached to the scope node that owns them.
  const collect = (n: TS.Node): void => {
    if (t.isVariableDeclaration(n)) {
      const names: string[] = [];
      bindingNames(n.name, names);
      const list = n.parent;
      if (t.isCatchClause(list)) declare(list, names);
      else if (t.isVariableDeclarationList(list) && (list.flags & t.NodeFlags.BlockScoped) !== 0) {
        declare(nearest(list.parent, isBlockScope), names);
      } else declare(nearest(n.parent, isFunctionScope), names);
    } else if (t.isParameter(n)) {
      const names: string[] = [];
      bindingNames(n.name, names);
      declare(n.parent, names);
    } else if (t.isFunctionDeclaration(n)) {
      if (n.name) {
        // Block-scoped in strict code, var-scoped in sloppy code: accept both.
        declare(nearest(n.parent, isBlockScope), [n.name.text]);
        declare(nearest(n.parent, isFunctionScope), [n.name.text]);
      }
    } else if (t.isClassDeclaration(n)) {
      if (n.name) declare(nearest(n.parent, isBlockScope), [n.name.text]);
    }
    if (t.isFunctionExpression(n) || t.isClassExpression(n)) {
      if (n.name) declare(n, [n.name.text]);
    }
    if (t.isClassDeclaration(n) && n.name) declare(n, [n.name.text]);
    if (t.isFunctionLike(n) && !t.isArrowFunction(n)) declare(n, ["arguments"]);
    t.forEachChild(n, collect);
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

  const isReference = (id: TS.Identifier): boolean => {
    const p = id.parent;
    if (!p) return true;
    if (t.isPropertyAccessExpression(p)) return p.expression === id;
    if (t.isPropertyAssignment(p) || t.isMethodDeclaration(p) || t.isPropertyDeclaration(p)
      || t.isGetAccessorDeclaration(p) || t.isSetAccessorDeclaration(p)) return p.name !== id;
    if (t.isVariableDeclaration(p) || t.isParameter(p) || t.isFunctionDeclaration(p)
      || t.isFunctionExpression(p) || t.isClassDeclaration(p) || t.isClassExpression(p)) return p.name !== id;
    if (t.isBindingElement(p)) return p.name !== id && p.propertyName !== id;
    if (t.isLabeledStatement(p) || t.isBreakStatement(p) || t.isContinueStatement(p)) return false;
    if (t.isMetaProperty(p)) return false;
    return true;
  };

  const resolves = (id: TS.Identifier): boolean => {
    for (let p: TS.Node | undefined = id.parent; p; p = p.parent) {
      if (declared.get(p)?.has(id.text)) return true;
      if (p === root) break;
    }
    return false;
  };

  const visit = (n: TS.Node): void => {
    if (t.isIdentifier(n) && isReference(n) && !resolves(n)) {
      const name = n.text;
      if (!freeSet.has(name)) { freeSet.add(name); free.push(name); }
      const p = n.parent;
      if (t.isPropertyAccessExpression(p) && p.expression === n) member(name, p.name.text);
      else if (t.isElementAccessExpression(p) && p.expression === n && t.isStringLiteralLike(p.argumentExpression)) {
        member(name, p.argumentExpression.text);
      } else wholeUse.add(name);
    }
    t.forEachChild(n, visit);
  };
  visit(root);

  const form = root.parent && t.isObjectLiteralExpression(root.parent) ? "method" : "expr";
  return { form, free, members, wholeUse };
}
