// Reads what V8 knows about a live function through an in-process node:inspector Session (its
// answers arrive synchronously in Node 20): the closure scopes with their variables, and the
// parts of a bound function. The inspector hands values back as snapshots in JS land, so one
// round trip per function is enough. The session is created once per thread; nothing about the
// VALUES is cached.

import { Session } from "node:inspector";
import { InternalError } from "../errors";

/** One closure scope: V8's label ("Closure (outer)", "Module", "Script", "Block") and its variables. */
export interface ScopeView {
  description: string;
  vars: Record<string, unknown>;
}

const PROBE = Symbol.for("bigdata.closure.probe");
const OUT = Symbol.for("bigdata.closure.out");
const GROUP = "bigdata-closure";
const PERSISTENT_GROUP = "bigdata-closure-persistent";
const READ_PROBE = `function () { return this[Symbol.for("bigdata.closure.probe")]; }`;
/** Handles are released in batches: each release is a round trip of its own. */
const RELEASE_EVERY = 64;
const CAPTURE = `function () { globalThis[Symbol.for("bigdata.closure.out")] = this; }`;

let session: Session | undefined;
let globalId: string | undefined;
let pending = 0;

interface RemoteObject { type: string; subtype?: string; objectId?: string; description?: string }
interface PropertyDescriptor { name: string; value?: RemoteObject }

function post<T>(method: string, params: object): T {
  session ??= (() => { const s = new Session(); s.connect(); return s; })();
  let result: T | undefined;
  let error: Error | null = null;
  session.post(method, params, (err: Error | null, res?: unknown) => { error = err; result = res as T; });
  if (error) throw new InternalError("INTERNAL_ERROR", `inspector ${method} failed: ${(error as Error).message}`);
  if (result === undefined) throw new InternalError("INTERNAL_ERROR", `inspector ${method} did not answer synchronously`);
  return result;
}

function objectIdOf(value: object): string {
  const g = globalThis as Record<symbol, unknown>;
  g[PROBE] = value;
  try {
    globalId ??= post<{ result: RemoteObject }>("Runtime.evaluate", { expression: "globalThis", objectGroup: PERSISTENT_GROUP }).result.objectId;
    const r = post<{ result: RemoteObject }>("Runtime.callFunctionOn", { objectId: globalId, functionDeclaration: READ_PROBE, objectGroup: GROUP, silent: true });
    if (!r.result.objectId) throw new InternalError("INTERNAL_ERROR", "inspector gave no object id");
    return r.result.objectId;
  } finally {
    delete g[PROBE];
  }
}

function fetchValue(objectId: string): unknown {
  const g = globalThis as Record<symbol, unknown>;
  post("Runtime.callFunctionOn", { objectId, functionDeclaration: CAPTURE, objectGroup: GROUP, silent: true });
  const v = g[OUT];
  delete g[OUT];
  return v;
}

function internalProperties(fn: Function): PropertyDescriptor[] {
  const id = objectIdOf(fn);
  const r = post<{ internalProperties?: PropertyDescriptor[] }>("Runtime.getProperties", {
    objectId: id, ownProperties: true, objectGroup: GROUP,
  });
  return r.internalProperties ?? [];
}

/** Release the inspector's handles to inspected values, in batches (called after each serialization). */
export function releaseInspectorHandles(force = false): void {
  if (pending === 0 || session === undefined || (!force && pending < RELEASE_EVERY)) return;
  pending = 0;
  post("Runtime.releaseObjectGroup", { objectGroup: GROUP });
}

/** The non-global closure scopes of `fn`, innermost first. */
export function closureScopes(fn: Function): ScopeView[] {
  pending++;
  const scopes = internalProperties(fn).find((p) => p.name === "[[Scopes]]")?.value?.objectId;
  if (!scopes) return [];
  const list = fetchValue(scopes) as ArrayLike<{ description?: string; object?: Record<string, unknown> }>;
  const out: ScopeView[] = [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if (!s || !s.object || s.object === globalThis) continue;
    const description = String(s.description ?? "");
    if (description.startsWith("Global")) continue;
    out.push({ description, vars: s.object });
  }
  return out;
}

/** A bound function's parts: what it calls, its `this`, its leading arguments. */
export interface BoundParts { target: Function; self: unknown; args: unknown[] }

/** The target, this and arguments of a bound function, or undefined for any other function. */
export function boundParts(fn: Function): BoundParts | undefined {
  pending++;
  const props = internalProperties(fn);
  const target = props.find((p) => p.name === "[[TargetFunction]]")?.value;
  if (!target?.objectId) return undefined;
  const thisRo = props.find((p) => p.name === "[[BoundThis]]")?.value;
  const argsRo = props.find((p) => p.name === "[[BoundArgs]]")?.value;
  return {
    target: fetchValue(target.objectId) as Function,
    self: thisRo ? remoteValue(thisRo) : undefined,
    args: argsRo?.objectId ? Array.from(fetchValue(argsRo.objectId) as unknown[]) : [],
  };
}

function remoteValue(ro: RemoteObject & { value?: unknown; unserializableValue?: string }): unknown {
  if (ro.objectId) return fetchValue(ro.objectId);
  if (ro.type === "undefined") return undefined;
  if (ro.unserializableValue !== undefined) {
    const u = ro.unserializableValue;
    if (u.endsWith("n")) return BigInt(u.slice(0, -1));
    return u === "-0" ? -0 : Number(u);
  }
  return ro.value;
}

/** The target of a Proxy (read through the inspector, without running any trap). */
export function proxyTarget(p: object): unknown {
  pending++;
  const id = objectIdOf(p);
  const r = post<{ internalProperties?: PropertyDescriptor[] }>("Runtime.getProperties", {
    objectId: id, ownProperties: true, objectGroup: GROUP,
  });
  const t = r.internalProperties?.find((d) => d.name === "[[Target]]")?.value;
  return t ? remoteValue(t) : undefined;
}
