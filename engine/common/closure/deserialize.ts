// Worker side of closure shipping: rebuilds a SerializedFunction's node table into live values.
// Functions are compiled from source inside a small factory that declares their captured
// variables; factories are cached by content, so a stage's functions compile once per process
// and each task only re-creates values. Every node is created first (shells), then filled, so
// cycles (recursive functions, self-referencing objects) come back exactly.

import vm from "node:vm";
import { createRequire } from "node:module";
import * as nodePath from "node:path";
import { WorkbenchError } from "../errors";
import { resolveBuiltin, resolveGlobalPath } from "./global-names";
import { resolveShipRef } from "./ship-registry";
import { PROTO_NULL, PROTO_OBJECT, type Slot, type Ref, type SerializedFunction, type ValueNode } from "./wire-format";

/** Returns [set captured variables, create the function]. */
type Factory = () => [(vals: unknown[]) => void, () => Function];

const factories = new Map<string, Factory>();
const FACTORY_LIMIT = 5000;

function subject(what: string): string {
  return what ? `the function passed to ${what}` : "the shipped function";
}

function fail(what: string, msg: string, cause?: unknown): never {
  throw new WorkbenchError("CLOSURE_NOT_DESERIALIZABLE", `${subject(what)}: ${msg}`, {
    parameters: { operator: what }, cause,
  });
}

function factoryFor(node: ValueNode & { k: "fn" }, what: string): Factory {
  const origin = node.origin;
  const key = `${node.form}\u0000${node.names.join(",")}\u0000${origin ? `${origin.file}:${origin.line}` : ""}\u0000${node.src}`;
  let f = factories.get(key);
  if (f) return f;
  // The source starts a line of its own, so a known origin can put it on its cell line.
  const expr = node.form === "expr"
    ? `(\n${node.src}\n)`
    : `(() => { const $bdw$o = {\n${node.src}\n}; const $bdw$d = Object.getOwnPropertyDescriptor($bdw$o, Reflect.ownKeys($bdw$o)[0]); return $bdw$d.value ?? $bdw$d.get ?? $bdw$d.set; })()`;
  const decl = node.names.length > 0 ? `let ${node.names.join(", ")};\n` : "";
  const set = node.names.map((n, i) => `${n} = arguments[0][${i}];`).join(" ");
  const body = `${decl}return [function () { ${set} }, () => ${expr}];`;
  const compile = (code: string): Factory => {
    if (!origin) return new Function(code) as Factory;
    // Lines of `code` before the one the source starts on.
    const before = code.slice(0, code.indexOf(node.src)).split("\n").length - 1;
    return vm.compileFunction(code, [], { filename: origin.file, lineOffset: origin.line - 1 - before }) as unknown as Factory;
  };
  try {
    // Most shipped code was strict (ES modules); fall back for sloppy-only syntax (tslab cells).
    try { f = compile(`"use strict";\n${body}`); }
    catch (e) { if (!(e instanceof SyntaxError)) throw e; f = compile(body); }
  } catch (e) {
    return fail(what, `cannot compile '${node.name || "anonymous"}': ${(e as Error).message}`, e);
  }
  if (factories.size >= FACTORY_LIMIT) factories.clear();
  factories.set(key, f);
  return f;
}

/** Rebuild on a worker. Compiled code is cached by content so repeated tasks are cheap. */
export function deserializeFunction<F extends Function = Function>(s: SerializedFunction): F {
  if (!s || s.v !== 1 || !Array.isArray(s.nodes)) fail(s?.what ?? "", "unknown closure format (different engine versions?)");
  const r = new GraphReader(s);
  const f = r.build();
  if (typeof f !== "function") fail(s.what, "the shipped root is not a function");
  return f as F;
}

class GraphReader {
  private readonly vals: unknown[];
  private readonly made: Uint8Array;
  private readonly setters: (((vals: unknown[]) => void) | undefined)[];
  private readonly creating: Uint8Array;
  private readonly filled: Uint8Array;

  constructor(private readonly s: SerializedFunction) {
    this.vals = new Array(s.nodes.length);
    this.made = new Uint8Array(s.nodes.length);
    this.setters = new Array(s.nodes.length);
    this.creating = new Uint8Array(s.nodes.length);
    this.filled = new Uint8Array(s.nodes.length);
  }

  /** Node r created and filled, with everything it reaches (for class definitions). */
  private complete(r: Ref): unknown {
    const v = this.shell(r);
    if (!this.filled[r]) {
      this.fill(r);
      const node = this.s.nodes[r]!;
      const at = (list: Slot[], refs: number[]) => refs.map((j) => list[j] as Ref);
      const refs: Ref[] = node.k === "arr" || node.k === "set" ? at(node.items, node.refs)
        : node.k === "map" ? [...at(node.keys, node.krefs), ...at(node.vals, node.vrefs)]
        : node.k === "obj" ? at(node.vals, node.refs)
        : node.k === "fn" ? [...node.vals, ...(node.props ?? []).map((p) => p[1])]
        : [];
      for (const c of refs) this.complete(c);
    }
    return v;
  }

  build(): unknown {
    const n = this.s.nodes.length;
    for (let i = 0; i < n; i++) this.shell(i);
    for (let i = 0; i < n; i++) this.fill(i);
    return this.vals[this.s.root];
  }

  /** Create node i without its contents (so cycles can point at it). */
  private shell(i: Ref): unknown {
    if (this.made[i]) return this.vals[i];
    if (this.creating[i]) return fail(this.s.what, "a captured value refers back to a class while the class is being defined");
    const node = this.s.nodes[i];
    if (node === undefined) return fail(this.s.what, `dangling reference ${i}`);
    const v = this.create(node, i);
    this.vals[i] = v;
    this.made[i] = 1;
    return v;
  }

  private create(node: ValueNode, i: Ref): unknown {
    const what = this.s.what;
    switch (node.k) {
      case "p": return node.v;
      case "undef": return undefined;
      case "num": return node.s === "-0" ? -0 : Number(node.s);
      case "big": return BigInt(node.s);
      case "sym": return Symbol.for(node.key);
      case "global": {
        const r = resolveGlobalPath(node.path);
        return r.found ? r.value : fail(what, `the built-in '${node.path}' does not exist in this process`);
      }
      case "builtin": {
        const r = resolveBuiltin(node.module, node.name, node.namespace === true);
        if (!r.found) fail(what, `node:${node.module}${node.name ? `.${node.name}` : ""} does not exist in this process`);
        return r.value;
      }
      case "ship": return resolveShipRef(node.kind, node.data, what);
      case "fn": {
        const [setter, make] = factoryFor(node, what)();
        let fn: Function;
        if (/^class\b/.test(node.src)) {
          // A class runs its `extends` clause and static initializers as it is defined, so its
          // captured values must be complete first.
          // A direct self-reference (`const P = class { m() { return P; } }`) is only needed
          // later: it is set again, with everything else, when the node is filled.
          this.creating[i] = 1;
          const vals = node.vals.map((r) => (r === i ? undefined : this.complete(r)));
          this.creating[i] = 0;
          setter(vals);
          fn = make();
          this.setters[i] = setter;
        } else {
          fn = make();
          this.setters[i] = setter;
        }
        if (node.name && fn.name !== node.name) {
          Object.defineProperty(fn, "name", { value: node.name, configurable: true });
        }
        return fn;
      }
      case "bound": {
        const target = this.shell(node.target) as Function;
        return target.bind(this.shell(node.self), ...node.args.map((a) => this.shell(a)));
      }
      case "arr": return new Array(node.items.length);
      case "parr": return node.items.slice();
      case "require": return createRequire(nodePath.join(node.dir, "__shipped_function__.js"));
      case "obj":
        return node.proto === PROTO_OBJECT ? {} : node.proto === PROTO_NULL ? Object.create(null) : Object.create(this.shell(node.proto) as object);
      case "proto": return (this.shell(node.ctor) as { prototype: object }).prototype;
      case "map": return new Map();
      case "set": return new Set();
      case "date": return new Date(node.t);
      case "re": { const re = new RegExp(node.src, node.flags); re.lastIndex = node.last; return re; }
      case "typed": {
        const bytes = node.bytes.slice(); // own, aligned ArrayBuffer
        if (node.type === "Buffer") return Buffer.from(bytes.buffer, 0, bytes.byteLength);
        if (node.type === "DataView") return new DataView(bytes.buffer);
        const Ctor = (globalThis as Record<string, unknown>)[node.type] as { new (b: ArrayBuffer): unknown } | undefined;
        if (typeof Ctor !== "function") return fail(what, `unknown typed array type ${node.type}`);
        return new Ctor(bytes.buffer);
      }
      case "abuf": return node.bytes.slice().buffer;
      case "err": {
        const Ctor = (globalThis as Record<string, unknown>)[node.name];
        const e = typeof Ctor === "function" && (Ctor === Error || Ctor.prototype instanceof Error)
          ? new (Ctor as ErrorConstructor)(node.message) : new Error(node.message);
        if (e.name !== node.name) e.name = node.name;
        if (node.stack !== undefined) e.stack = node.stack;
        return e;
      }
      case "boxed": return Object(this.shell(node.v));
    }
  }

  /** Visit a container's slots in order, resolving the ref positions. */
  private eachSlot(list: Slot[], refs: number[], f: (value: unknown, j: number) => void): void {
    let r = 0;
    for (let j = 0; j < list.length; j++) {
      if (r < refs.length && refs[r] === j) { r++; f(this.shell(list[j] as Ref), j); }
      else f(list[j], j);
    }
  }

  /** Put contents into node i. */
  private fill(i: Ref): void {
    if (this.filled[i]) return;
    this.filled[i] = 1;
    const node = this.s.nodes[i]!;
    const v = this.vals[i];
    switch (node.k) {
      case "fn": {
        const setter = this.setters[i];
        if (setter && node.names.length > 0) setter(node.vals.map((r) => this.shell(r)));
        if (node.props) for (const [k, r] of node.props) assign(v as object, k, this.shell(r));
        if (node.protoProps) {
          const proto = (v as { prototype?: object }).prototype;
          if (proto) for (const [k, r] of node.protoProps) assign(proto, k, this.shell(r));
        }
        return;
      }
      case "arr": {
        const a = v as unknown[];
        const holes = node.holes;
        let h = 0;
        this.eachSlot(node.items, node.refs, (x, j) => {
          if (holes && holes[h] === j) { h++; return; }
          a[j] = x;
        });
        return;
      }
      case "obj": {
        const o = v as Record<string, unknown>;
        this.eachSlot(node.vals, node.refs, (x, j) => assign(o, node.keys[j]!, x));
        return;
      }
      case "map": {
        const m = v as Map<unknown, unknown>;
        const keys: unknown[] = [];
        this.eachSlot(node.keys, node.krefs, (x) => keys.push(x));
        this.eachSlot(node.vals, node.vrefs, (x, j) => m.set(keys[j], x));
        return;
      }
      case "set": {
        const st = v as Set<unknown>;
        this.eachSlot(node.items, node.refs, (x) => st.add(x));
        return;
      }
      default:
        return;
    }
  }
}

/** Define rather than assign: "__proto__" keys and inherited setters must not misfire. */
function assign(o: object, key: string, value: unknown): void {
  const d = Object.getOwnPropertyDescriptor(o, key);
  if (d && !d.configurable) {
    if (d.writable) (o as Record<string, unknown>)[key] = value;
    return;
  }
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}
