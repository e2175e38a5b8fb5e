// Driver side of closure shipping (our cloudpickle): walks a function, the variables its closure
// uses (read through the inspector), and everything they reach, into the flat node table of
// wire-format.ts. Captured values are copied as they are NOW, like pickling; nothing about them
// is cached between calls. Built-ins travel by name, [SHIP] values as references, and values
// tied to this process are refused with an error naming the variable.

import { types } from "node:util";
import { WorkbenchError } from "../errors";
import { shipMethodOf, unshippableMarkOf } from "./markers";
import { builtinNameOf, globalPathOf, isPlainGlobalName } from "./global-names";
import { isNamespaceObject, refusalFor, type Refusal } from "./refusals";
import { partialParts } from "./partial";
import { boundParts, closureScopes, proxyTarget, releaseInspectorHandles } from "./scope-inspector";
import { analyzeSource, type SourceAnalysis } from "./source-analysis";
import { PROTO_NULL, PROTO_OBJECT, type Slot, type Ref, type SerializedFunction, type ValueNode } from "./wire-format";

const NATIVE_TAIL = /\{\s*\[native code\]\s*\}$/;
/** The variable a rewritten `extends <expression>` refers to. */
const HERITAGE = "$bdw$heritage";

/** Capture fn's source and everything its closure uses. `what` names the operator for errors ("map"). */
export function serializeFunction(fn: Function, what = ""): SerializedFunction {
  const w = new GraphWriter(what);
  if (typeof fn !== "function") {
    throw new WorkbenchError("CLOSURE_NOT_SERIALIZABLE", `${w.subject()} must be a function, got ${fn === null ? "null" : typeof fn}`, {
      parameters: { operator: what },
    });
  }
  try {
    const root = w.ref(fn, undefined);
    return { v: 1, what, root, nodes: w.nodes };
  } finally {
    releaseInspectorHandles();
  }
}

class GraphWriter {
  readonly nodes: ValueNode[] = [];
  private readonly seen = new Map<unknown, Ref>();

  constructor(private readonly what: string) {}

  subject(): string {
    return this.what ? `the function passed to ${this.what}` : "the function";
  }

  private push(n: ValueNode): Ref {
    this.nodes.push(n);
    return this.nodes.length - 1;
  }

  /** Serialize any value; `path` names where it was found ("cfg.items[2]"), undefined for the root. */
  ref(v: unknown, path: string | undefined): Ref {
    switch (typeof v) {
      case "undefined":
        return this.push({ k: "undef" });
      case "number":
        return Number.isFinite(v) && !Object.is(v, -0)
          ? this.push({ k: "p", v })
          : this.push({ k: "num", s: Object.is(v, -0) ? "-0" : String(v) });
      case "string":
      case "boolean":
        return this.push({ k: "p", v });
      case "bigint":
        return this.push({ k: "big", s: v.toString() });
      case "symbol": {
        const key = Symbol.keyFor(v);
        if (key !== undefined) return this.push({ k: "sym", key });
        const g = globalPathOf(v);
        if (g !== undefined) return this.push({ k: "global", path: g });
        return this.refuse(path, { what: "a unique Symbol", why: "a Symbol() is unique to this process; use Symbol.for(key) or a string" });
      }
      case "object":
        if (v === null) return this.push({ k: "p", v: null });
        return this.refObject(v, path);
      case "function":
        return this.refObject(v, path);
    }
    return this.refuse(path, { what: `a ${typeof v}`, why: "this kind of value cannot be copied" });
  }

  private refuse(path: string | undefined, r: Refusal): never {
    const msg = path === undefined
      ? `${this.subject()} is ${r.what} and cannot be shipped to workers: ${r.why}`
      : `variable '${path}' (${r.what}) captured by ${this.subject()} cannot be shipped to workers: ${r.why}`;
    throw new WorkbenchError("CLOSURE_NOT_SERIALIZABLE", msg, {
      parameters: { variable: path ?? null, type: r.what, operator: this.what },
    });
  }

  private refObject(v: object, path: string | undefined): Ref {
    const known = this.seen.get(v);
    if (known !== undefined) return known;
    const mark = unshippableMarkOf(v);
    if (mark) {
      const where = path === undefined ? `it is ${this.subject()}` : `variable '${path}' captured by ${this.subject()}`;
      throw new WorkbenchError(mark.condition, `${mark.message} (${where})`, {
        parameters: { variable: path ?? null, operator: this.what },
      });
    }
    const ship = shipMethodOf(v);
    if (ship) {
      const r = ship.call(v);
      return this.remember(v, { k: "ship", kind: r.kind, data: r.data });
    }
    const g = globalPathOf(v);
    if (g !== undefined) return this.remember(v, { k: "global", path: g });
    const b = builtinNameOf(v);
    if (b !== undefined) return this.remember(v, { k: "builtin", ...b });
    if (typeof v === "object" && !types.isProxy(v)) {
      // Fast path for plain data objects, the bulk of most captured graphs.
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto === Object.prototype || (proto === null && !isNamespaceObject(v))) return this.refPlainOrInstance(v, path ?? "this");
    }
    if (isRequireFunction(v)) return this.remember(v, { k: "require", dir: requireDir(v as NodeJS.Require) });
    if (types.isProxy(v)) {
      // vitest wraps builtin-module namespaces in proxies; the target tells what it really is.
      const tb = builtinNameOf(proxyTarget(v));
      if (tb !== undefined) return this.remember(v, { k: "builtin", ...tb });
    }
    const refusal = refusalFor(v);
    if (refusal) return this.refuse(path, refusal);
    if (typeof v === "function") return this.refFunction(v, path);
    return this.refData(v, path ?? "this");
  }

  private remember(v: unknown, n: ValueNode): Ref {
    const i = this.push(n);
    this.seen.set(v, i);
    return i;
  }

  /** Append v to a container's slots: inline when msgpack carries it exactly, else as a ref. */
  private slot(list: Slot[], refs: number[], v: unknown, path: () => string): void {
    if (isInline(v)) { list.push(v); return; }
    refs.push(list.length);
    list.push(-1);
    list[list.length - 1] = this.ref(v, path());
  }

  private refFunction(fn: Function, path: string | undefined): Ref {
    const src = Function.prototype.toString.call(fn);
    if (NATIVE_TAIL.test(src) && !src.startsWith("class")) {
      const bound = partialParts(fn) ?? boundParts(fn);
      if (!bound) {
        return this.refuse(path, {
          what: `a native function${fn.name ? ` (${fn.name})` : ""}`,
          why: "it is built into this process and has no global name to find it by on the workers; wrap it in an arrow function",
        });
      }
      const node: ValueNode & { k: "bound" } = { k: "bound", target: -1, self: -1, args: [] };
      const i = this.remember(fn, node);
      const at = path ?? "this";
      node.target = this.ref(bound.target, `${at} (bound target)`);
      node.self = this.ref(bound.self, `${at} (bound this)`);
      node.args = bound.args.map((a, j) => this.ref(a, `${at} (bound argument ${j})`));
      return i;
    }
    const a = analyzeSource(src);
    if (a.usesOuterThis) {
      const who = path === undefined ? this.subject() : `the function in variable '${path}' (captured by ${this.subject()})`;
      throw new WorkbenchError("CLOSURE_NOT_SERIALIZABLE",
        `${who} is an arrow function that uses \`this\` from the code around it, which cannot be shipped to workers; copy what you need into a local variable first (const factor = this.factor; then use factor)`,
        { parameters: { variable: path ?? null, operator: this.what } });
    }
    const node: ValueNode & { k: "fn" } = { k: "fn", src, form: a.form, name: fn.name, names: [], vals: [] };
    const origin = functionOrigin(src);
    if (origin) node.origin = origin;
    const i = this.remember(fn, node);
    const inner = (name: string) => (path === undefined ? name : `${path} → ${name}`);
    const heritageName = a.heritage && "name" in a.heritage ? a.heritage.name : undefined;
    if (a.free.length > 0 && !a.free.every(isPlainGlobalName)) {
      const scopes = closureScopes(fn);
      for (const name of a.free) {
        let found = false;
        let value: unknown;
        for (const s of scopes) {
          if (Object.prototype.hasOwnProperty.call(s.vars, name)) { found = true; value = s.vars[name]; break; }
        }
        if (!found && name === heritageName) { found = true; value = Object.getPrototypeOf(fn); }
        if (!found) {
          // A global: it exists on the workers too, except a driver-only one the notebook kernel
          // defines (`sc`, `spark`): refused here with its own message (SPARK-5063), naming it.
          const g = Object.getOwnPropertyDescriptor(globalThis, name);
          let gv: unknown;
          try { gv = g ? ("value" in g ? g.value : g.get?.call(globalThis)) : undefined; } catch { gv = undefined; }
          if (gv !== null && (typeof gv === "object" || typeof gv === "function") && unshippableMarkOf(gv)) this.ref(gv, inner(name));
          continue;
        }
        node.names.push(name);
        node.vals.push(this.refCaptured(name, value, a, inner));
      }
    }
    if (a.heritage && "start" in a.heritage) {
      node.src = src.slice(0, a.heritage.start) + HERITAGE + src.slice(a.heritage.end);
      node.names.push(HERITAGE);
      node.vals.push(this.ref(Object.getPrototypeOf(fn), inner("(extends clause)")));
    }
    const own = Object.keys(fn);
    if (own.length > 0) {
      node.props = own.map((k) => [k, this.ref((fn as unknown as Record<string, unknown>)[k], `${path ?? fn.name ?? "function"}.${k}`)]);
    }
    if (!src.startsWith("class") && Object.prototype.hasOwnProperty.call(fn, "prototype")) {
      const proto = (fn as { prototype?: unknown }).prototype;
      if (proto && typeof proto === "object") {
        const keys = Object.keys(proto);
        if (keys.length > 0) {
          node.protoProps = keys.map((k) => [k, this.ref((proto as Record<string, unknown>)[k], `${fn.name || "function"}.prototype.${k}`)]);
        }
      }
    }
    return i;
  }

  /**
   * A captured variable. Module namespaces (and tslab's `exports`, which holds every earlier
   * cell's variables) ship only the members the source uses, never the whole module.
   */
  private refCaptured(name: string, value: unknown, a: SourceAnalysis, inner: (n: string) => string): Ref {
    const members = a.members.get(name);
    if (members && typeof value === "object" && value !== null) {
      const isExports = name === "exports";
      if (isExports || isNamespace(value)) {
        if (builtinNameOf(value) === undefined && !(types.isProxy(value) && builtinNameOf(proxyTarget(value)) !== undefined)
          && (isExports || !a.wholeUse.has(name))) {
          return this.refMembers(value, members, isExports ? inner : (p) => inner(`${name}.${p}`));
        }
      }
    }
    return this.ref(value, inner(name));
  }

  private refMembers(from: object, props: string[], label: (p: string) => string): Ref {
    const node: ValueNode & { k: "obj" } = { k: "obj", proto: PROTO_OBJECT, keys: [], vals: [], refs: [] };
    const i = this.push(node);
    for (const p of props) {
      if (!(p in from)) continue;
      node.keys.push(p);
      this.slot(node.vals, node.refs, (from as Record<string, unknown>)[p], () => label(p));
    }
    return i;
  }

  private refData(v: object, path: string): Ref {
    if (Array.isArray(v)) {
      if (isPrimitiveArray(v)) return this.remember(v, { k: "parr", items: v.slice() });
      const node: ValueNode & { k: "arr" } = { k: "arr", items: [], refs: [] };
      const i = this.remember(v, node);
      for (let j = 0; j < v.length; j++) {
        if (j in v) this.slot(node.items, node.refs, v[j], () => `${path}[${j}]`);
        else { (node.holes ??= []).push(j); node.items.push(null); }
      }
      return i;
    }
    if (types.isMap(v)) {
      const node: ValueNode & { k: "map" } = { k: "map", keys: [], vals: [], krefs: [], vrefs: [] };
      const i = this.remember(v, node);
      let j = 0;
      for (const [key, val] of v as Map<unknown, unknown>) {
        const at = j++;
        this.slot(node.keys, node.krefs, key, () => `${path} (map key ${at})`);
        this.slot(node.vals, node.vrefs, val, () => `${path}.get(${typeof key === "string" ? JSON.stringify(key) : `key ${at}`})`);
      }
      return i;
    }
    if (types.isSet(v)) {
      const node: ValueNode & { k: "set" } = { k: "set", items: [], refs: [] };
      const i = this.remember(v, node);
      let j = 0;
      for (const item of v as Set<unknown>) { const at = j++; this.slot(node.items, node.refs, item, () => `${path} (set item ${at})`); }
      return i;
    }
    if (types.isDate(v)) return this.remember(v, { k: "date", t: (v as Date).getTime() });
    if (types.isRegExp(v)) {
      const re = v as RegExp;
      return this.remember(v, { k: "re", src: re.source, flags: re.flags, last: re.lastIndex });
    }
    if (types.isArrayBufferView(v)) {
      const view = v as ArrayBufferView;
      const type = Buffer.isBuffer(v) ? "Buffer" : types.isDataView(v) ? "DataView" : (v.constructor as { name: string }).name;
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
      return this.remember(v, { k: "typed", type, bytes });
    }
    if (types.isAnyArrayBuffer(v)) {
      return this.remember(v, { k: "abuf", bytes: new Uint8Array(v as ArrayBuffer).slice() });
    }
    if (types.isNativeError(v)) {
      const e = v as Error;
      return this.remember(v, { k: "err", name: e.name, message: e.message, stack: e.stack });
    }
    if (types.isBoxedPrimitive(v)) {
      const node: ValueNode & { k: "boxed" } = { k: "boxed", v: -1 };
      const i = this.remember(v, node);
      node.v = this.ref(v.valueOf(), path);
      return i;
    }
    return this.refPlainOrInstance(v, path);
  }

  private refPlainOrInstance(v: object, path: string): Ref {
    const proto = Object.getPrototypeOf(v) as object | null;
    const node: ValueNode & { k: "obj" } = { k: "obj", proto: PROTO_OBJECT, keys: [], vals: [], refs: [] };
    const i = this.remember(v, node);
    if (proto === null) node.proto = PROTO_NULL;
    else if (proto !== Object.prototype) node.proto = this.refProto(proto, v, path);
    for (const key of Object.keys(v)) {
      node.keys.push(key);
      this.slot(node.vals, node.refs, (v as Record<string, unknown>)[key], () => `${path}.${key}`);
    }
    return i;
  }

  private refProto(proto: object, instance: object, path: string): Ref {
    const known = this.seen.get(proto);
    if (known !== undefined) return known;
    const ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value as unknown;
    if (globalPathOf(proto) !== undefined || builtinNameOf(ctor) !== undefined) {
      // An instance of a built-in class that none of the checks above knows how to copy.
      const name = typeof ctor === "function" && ctor.name ? ctor.name : "a built-in class";
      return this.refuse(path, {
        what: `an instance of ${name}`,
        why: "instances of this built-in class carry internal state that cannot be copied; capture plain data instead",
      });
    }
    if (typeof ctor === "function" && (ctor as { prototype?: unknown }).prototype === proto) {
      const priv = classWithPrivateFields(ctor);
      if (priv) {
        return this.refuse(path, {
          what: `an instance of ${ctor.name || "an anonymous class"}`,
          why: `class ${priv} has private members (#name), which cannot be read to copy them; use ordinary fields or give the class a [SHIP] method`,
        });
      }
      const node: ValueNode & { k: "proto" } = { k: "proto", ctor: -1 };
      const i = this.remember(proto, node);
      node.ctor = this.ref(ctor, `${path} (class ${ctor.name || "anonymous"})`);
      return i;
    }
    void instance;
    // Object.create(someObject): ship the prototype object itself.
    return this.ref(proto, `${path} (prototype)`);
  }
}

function isNamespace(v: object): boolean {
  if (!types.isProxy(v)) return isNamespaceObject(v);
  const t = proxyTarget(v);
  return typeof t === "object" && t !== null && isNamespaceObject(t);
}

function isPrimitiveArray(a: unknown[]): a is (string | number | boolean | null)[] {
  if (Object.getPrototypeOf(a) !== Array.prototype) return false;
  for (let i = 0; i < a.length; i++) {
    if (!(i in a)) return false; // holes must stay holes
    const x = a[i];
    if (typeof x === "number") { if (!Number.isFinite(x) || Object.is(x, -0)) return false; }
    else if (typeof x !== "string" && typeof x !== "boolean" && x !== null) return false;
  }
  return true;
}

function isRequireFunction(v: object): boolean {
  if (typeof v !== "function") return false;
  const r = v as Partial<NodeJS.Require>;
  return typeof r.resolve === "function" && typeof r.resolve.paths === "function" && typeof r.cache === "object";
}

function requireDir(r: NodeJS.Require): string {
  // The first lookup path is <dir>/node_modules for the requiring module's own directory.
  const first = r.resolve.paths("bigdata-workbench-probe")?.[0];
  return first && first.endsWith("node_modules") ? first.slice(0, -"node_modules".length - 1) || "/" : process.cwd();
}

/** The name of the first class in ctor's chain whose source declares private members, if any. */
function classWithPrivateFields(ctor: Function): string | undefined {
  for (let c: unknown = ctor; typeof c === "function" && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const src = Function.prototype.toString.call(c);
    if (!src.startsWith("class") || !src.includes("#")) continue;
    if (analyzeSource(src).usesPrivateNames) return (c as Function).name || "(anonymous)";
  }
  return undefined;
}

function isInline(v: unknown): boolean {
  const t = typeof v;
  return t === "string" || t === "boolean" || v === null || (t === "number" && Number.isFinite(v) && !Object.is(v, -0));
}

/**
 * Set by the notebook kernel: where a function's source is in the cells it ran ("<cell 3>",
 * 1-based JS line), so the workers can name the user's cell line in the function's frames.
 */
const FUNCTION_ORIGIN = Symbol.for("bigdata-workbench.functionOrigin");

function functionOrigin(src: string): { file: string; line: number } | undefined {
  const hook = (globalThis as Record<symbol, unknown>)[FUNCTION_ORIGIN];
  if (typeof hook !== "function") return undefined;
  try {
    const o = (hook as (s: string) => { file: string; line: number } | undefined)(src);
    return o && typeof o.file === "string" && Number.isInteger(o.line) ? { file: o.file, line: o.line } : undefined;
  } catch {
    return undefined;
  }
}
