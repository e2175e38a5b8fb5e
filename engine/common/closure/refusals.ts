// Which captured values can never ship, and why: they are tied to this process (sockets,
// streams, emitters, workers), to its event loop (promises) or to its garbage collector (weak
// collections). Each answer is phrased for a student reading a CLOSURE_NOT_SERIALIZABLE error.

import { ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import * as net from "node:net";
import * as stream from "node:stream";
import { types } from "node:util";
import { Worker } from "node:worker_threads";

export interface Refusal {
  /** "a net.Socket" */
  what: string;
  /** Why it cannot ship. */
  why: string;
}

const TIED = "it is tied to this process (an open connection, file or thread) and cannot be copied";

function ctorName(v: object): string {
  const c = (v as { constructor?: { name?: unknown } }).constructor;
  return typeof c === "function" && typeof c.name === "string" && c.name ? c.name : "object";
}

/**
 * A module namespace: a real one, or a module runner's stand-in (vitest/vite build a
 * null-prototype object tagged "Module" and wrap builtin namespaces in proxies).
 */
export function isNamespaceObject(v: object): boolean {
  return types.isModuleNamespaceObject(v)
    || (Object.getPrototypeOf(v) === null && (v as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === "Module");
}

/** A reason `v` cannot be shipped, or undefined when it may be. */
export function refusalFor(v: object): Refusal | undefined {
  if (v === process) return { what: "the process object", why: TIED };
  if (types.isPromise(v)) {
    return { what: "a Promise", why: "a pending result of this process; await it on the driver and capture the value instead" };
  }
  if (types.isWeakMap(v) || types.isWeakSet(v) || v instanceof WeakRef || v instanceof FinalizationRegistry) {
    return { what: `a ${ctorName(v)}`, why: "weak references only make sense in the process that holds them" };
  }
  if (!types.isProxy(v) && isNamespaceObject(v)) {
    return { what: "a module namespace object", why: "modules cannot be copied; import the module inside the function's own code on the workers, or capture the plain values you need" };
  }
  if (types.isProxy(v)) return { what: "a Proxy", why: "its behaviour lives in handler code that cannot be inspected" };
  if (types.isGeneratorObject(v)) return { what: "a generator object", why: "its suspended execution state cannot be copied" };
  if (types.isExternal(v)) return { what: "a native handle", why: TIED };
  if (types.isMapIterator(v) || types.isSetIterator(v)) return { what: "an iterator", why: "its position cannot be copied; capture an array instead" };
  if (v instanceof net.Socket) return { what: "a net.Socket", why: TIED };
  if (v instanceof net.Server) return { what: "a net.Server", why: TIED };
  if (v instanceof Worker) return { what: "a worker_threads.Worker", why: TIED };
  if (v instanceof ChildProcess) return { what: "a ChildProcess", why: TIED };
  if (v instanceof stream.Readable || v instanceof stream.Writable) return { what: `a stream (${ctorName(v)})`, why: TIED };
  if (v instanceof EventEmitter) return { what: `an EventEmitter (${ctorName(v)})`, why: TIED };
  if (typeof EventTarget !== "undefined" && v instanceof EventTarget) return { what: `an EventTarget (${ctorName(v)})`, why: TIED };
  return undefined;
}
