// Values that already exist on every process (Math.max, JSON, Object.prototype, Symbol.iterator,
// node:path's join) are shipped by name instead of by content, and looked up again on arrival.
// The name tables are built once per thread, lazily; they hold only built-ins, never user values.

import { createRequire } from "node:module";
import { types } from "node:util";
import { runInNewContext } from "node:vm";

const require = createRequire(import.meta.url);

// Only standard globals are shipped by name, never something user code stored on globalThis
// (it would not exist on the workers). Standard = ECMAScript's own (what a fresh context has)
// plus Node's usual web/runtime globals. Accessors among them are lazy getters in Node.
const NODE_ROOTS = [
  "Buffer", "URL", "URLSearchParams", "TextEncoder", "TextDecoder", "atob", "btoa", "console", "performance",
  "queueMicrotask", "setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval",
  "clearImmediate", "structuredClone", "EventTarget", "Event", "AbortController", "AbortSignal",
];
// Never shipped by name: refused (process) or self references.
const SKIP_ROOTS = new Set(["process", "global", "globalThis"]);

/** Builtin modules whose exports may be captured by user code (via import or require). */
const BUILTIN_MODULES = [
  "assert", "buffer", "crypto", "events", "fs", "os", "path", "querystring", "readline", "stream",
  "string_decoder", "timers", "url", "util", "zlib", "perf_hooks", "worker_threads", "child_process",
  "net", "http", "https", "dns", "v8", "vm",
];

let globalPaths: Map<unknown, string> | undefined;
let builtinNames: Map<unknown, { module: string; name?: string }> | undefined;

function isRef(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

function buildGlobalPaths(): Map<unknown, string> {
  const m = new Map<unknown, string>();
  const add = (v: unknown, path: string) => {
    if ((isRef(v) || typeof v === "symbol") && !m.has(v)) m.set(v, path);
  };
  const roots: [string, unknown][] = [];
  const standard = runInNewContext("Object.getOwnPropertyNames(globalThis)") as string[];
  for (const k of [...standard, ...NODE_ROOTS]) {
    if (SKIP_ROOTS.has(k) || !(k in globalThis)) continue;
    try { roots.push([k, (globalThis as Record<string, unknown>)[k]]); } catch { /* not available */ }
  }
  m.set(globalThis, "globalThis");
  for (const [k, v] of roots) add(v, k);
  const members = (owner: unknown, path: string) => {
    if (!isRef(owner)) return;
    for (const key of Reflect.ownKeys(owner)) {
      if (typeof key !== "string") continue;
      const d = Object.getOwnPropertyDescriptor(owner, key);
      if (d && "value" in d) add(d.value, `${path}.${key}`);
    }
  };
  for (const [k, v] of roots) {
    members(v, k);
    if (typeof v === "function" && isRef(v.prototype)) {
      add(v.prototype, `${k}.prototype`);
      members(v.prototype, `${k}.prototype`);
    }
  }
  // Prototypes of built-in function kinds, for completeness of the prototype chain.
  add(Object.getPrototypeOf(async function () {}), "%AsyncFunction.prototype%");
  return m;
}

function buildBuiltinNames(): Map<unknown, { module: string; name?: string }> {
  const m = new Map<unknown, { module: string; name?: string }>();
  const globals = globalPathOf; // globals win: Buffer stays "Buffer", not "buffer.Buffer"
  for (const mod of BUILTIN_MODULES) {
    let exp: unknown;
    try { exp = require(`node:${mod}`); } catch { continue; }
    if (!isRef(exp)) continue;
    if (!m.has(exp)) m.set(exp, { module: mod });
    for (const key of Object.keys(exp)) {
      const d = Object.getOwnPropertyDescriptor(exp, key);
      if (!d || !("value" in d) || !isRef(d.value)) continue;
      if (m.has(d.value) || globals(d.value) !== undefined) continue;
      m.set(d.value, { module: mod, name: key });
    }
  }
  return m;
}

let plainGlobalNames: Set<string> | undefined;

/**
 * Names user code essentially never redeclares (ECMAScript's own globals, console, Buffer,
 * process). A function whose free names are all among them captures nothing, so the serializer
 * can skip asking the inspector. (Web-ish names like URL are left out: `const URL = "..."` happens.)
 */
export function isPlainGlobalName(name: string): boolean {
  plainGlobalNames ??= new Set([
    ...(runInNewContext("Object.getOwnPropertyNames(globalThis)") as string[]), "console", "Buffer", "process",
  ]);
  return plainGlobalNames.has(name);
}

/** The global path of a built-in value, or undefined. */
export function globalPathOf(v: unknown): string | undefined {
  globalPaths ??= buildGlobalPaths();
  return globalPaths.get(v);
}

/** The builtin module (and member) a value comes from, or undefined. Module namespaces included. */
export function builtinNameOf(v: unknown): { module: string; name?: string; namespace?: boolean } | undefined {
  builtinNames ??= buildBuiltinNames();
  const hit = builtinNames.get(v);
  if (hit) return hit;
  // A namespace of a builtin: a real one, a module runner's stand-in (null prototype, tagged
  // "Module"), or TypeScript's __importStar(require("x")) copy; each has `default` = the module.
  if (isRef(v) && !types.isProxy(v)) {
    const d = Object.getOwnPropertyDescriptor(v, "default");
    if (d && "value" in d) {
      const mod = builtinNames.get(d.value);
      if (mod && mod.name === undefined) return { module: mod.module, namespace: true };
    }
  }
  return undefined;
}

const resolvedGlobals = new Map<string, unknown>();

/** Look a global path up on this side. Undefined paths are a version mismatch between processes. */
export function resolveGlobalPath(path: string): { found: boolean; value: unknown } {
  if (resolvedGlobals.has(path)) return { found: true, value: resolvedGlobals.get(path) };
  if (path === "%AsyncFunction.prototype%") return { found: true, value: Object.getPrototypeOf(async function () {}) };
  let cur: unknown = globalThis;
  for (const part of path.split(".")) {
    if (!isRef(cur) || !(part in cur)) return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[part];
  }
  resolvedGlobals.set(path, cur);
  return { found: true, value: cur };
}

const namespaces = new Map<string, unknown>();

export function resolveBuiltin(module: string, name: string | undefined, namespace = false): { found: boolean; value: unknown } {
  let exp: unknown;
  try { exp = require(`node:${module}`); } catch { return { found: false, value: undefined }; }
  if (name === undefined && namespace) {
    let ns = namespaces.get(module);
    if (ns === undefined) namespaces.set(module, (ns = Object.freeze({ ...(exp as object), default: exp })));
    return { found: true, value: ns };
  }
  if (name === undefined) return { found: true, value: exp };
  if (!isRef(exp) || !(name in exp)) return { found: false, value: undefined };
  return { found: true, value: (exp as Record<string, unknown>)[name] };
}
