// Where the user called an operator ("map at wordcount.ts:12", "collect at <cell 3>:2"): the
// first stack frame outside the engine, as Spark's callSite shows in its UI and errors.

import { AsyncLocalStorage } from "node:async_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, basename } from "node:path";
import { findSourceMap } from "node:module";

const ENGINE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const ENGINE_URL = pathToFileURL(ENGINE_DIR).href + "/";

/**
 * Set by the notebook kernel: maps a position in a cell's compiled JavaScript ("<cell 3>", JS line
 * and column, 1-based) to the user's line in that cell. Labels then name what the user wrote.
 */
type CellPosition = (file: string, line: number, column: number) => { line: number } | undefined;
const CELL_POSITION = Symbol.for("bigdata-workbench.cellPosition");

/** "<cell N>:L" with L the user's line when the kernel can map it, else the JS line. */
function cellSite(file: string, line: number, column: number): string {
  const map = (globalThis as Record<symbol, unknown>)[CELL_POSITION] as CellPosition | undefined;
  let user: number | undefined;
  try { user = typeof map === "function" ? map(file, line, column)?.line : undefined; } catch { user = undefined; }
  return `${file}:${user ?? line}`;
}

/**
 * Set by the notebook kernel while it displays a cell's value: the jobs and RDDs the display
 * makes belong to the user's cell line ("<cell 5>:3"), not to the kernel's own code.
 */
const CALL_SITE_OVERRIDE = Symbol.for("bigdata-workbench.callSiteOverride");

/** Where the running action was called, for work it does after an await lost the user's frames. */
const actionSite = new AsyncLocalStorage<string>();

/**
 * Runs an action's work (planning, its jobs) with `callSite`'s location as the fallback for call
 * sites taken after awaits: the RDDs planned for `df.count()` then read "... at <cell 5>:1".
 */
export function withActionCallSite<T>(callSite: string, work: () => Promise<T>): Promise<T> {
  const at = callSite.indexOf(" at ");
  const where = at >= 0 ? callSite.slice(at + 4) : "";
  return where && where !== "<unknown>" ? actionSite.run(where, work) : work();
}

export function userCallSite(op: string): string {
  const where = (globalThis as Record<symbol, unknown>)[CALL_SITE_OVERRIDE];
  if (typeof where === "string" && where) return `${op} at ${where}`;
  const site = fastCallSite(op) ?? callSiteFromStack(new Error().stack ?? "", op, ENGINE_DIR);
  const fallback = site.endsWith(" at <unknown>") ? actionSite.getStore() : undefined;
  return fallback ? `${op} at ${fallback}` : site;
}

type Prepare = (err: Error, frames: NodeJS.CallSite[]) => unknown;

/**
 * The same answer as formatting the whole stack, for a fraction of the cost (every RDD and every
 * action asks for one; formatting a source-mapped stack, which also reads the first frame's
 * source line, was a good part of a trivial job). The raw frames are captured; with Node's own
 * formatter installed, each is mapped as Node maps it (module.findSourceMap + findEntry) until
 * the first user frame; with another formatter (vitest's), only that frame is formatted by it.
 * Undefined when this is not possible (no formatter, a frame without a file name).
 */
function fastCallSite(op: string): string | undefined {
  const format = Error.prepareStackTrace as Prepare | undefined;
  if (typeof format !== "function") return undefined;
  let frames: NodeJS.CallSite[] = [];
  const err = new Error();
  Error.prepareStackTrace = (_e, cs) => { frames = cs; return ""; };
  try { void err.stack; } finally { Error.prepareStackTrace = format; }
  const nodes = format.name === "ErrorPrepareStackTrace";
  for (let i = 1; i < frames.length; i++) {
    const f = frames[i]!;
    const name = f.getFileName();
    if (typeof name !== "string" || name === "") return undefined;
    let file = name, line = f.getLineNumber() ?? 0;
    if (nodes) {
      const e = findSourceMap(name)?.findEntry(line - 1, (f.getColumnNumber() ?? 1) - 1) as
        { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
      if (e?.originalSource && e.originalLine !== undefined && e.originalColumn !== undefined) {
        file = e.originalSource;
        line = e.originalLine + 1;
      }
    }
    if (file.startsWith(ENGINE_URL) || file.startsWith(ENGINE_DIR) || file.startsWith("node:") || file.includes("node_modules")) continue;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (/^<cell \d+>$/.test(file)) return `${op} at ${cellSite(file, line, f.getColumnNumber() ?? 1)}`;
    if (nodes) return `${op} at ${basename(file)}:${line}`;
    const one = format(new Error(), [f]);
    if (typeof one !== "string") return undefined;
    const site = callSiteFromStack(one, op, ENGINE_DIR);
    return site.endsWith(" at <unknown>") ? undefined : site;
  }
  return undefined;
}

/** The call site named by the first frame of `stack` that is not engine, Node or a dependency. */
export function callSiteFromStack(stack: string, op: string, engineDir: string): string {
  for (const line of stack.split("\n").slice(1)) {
    // Notebook cells run as "<cell N>" (with a space); files as paths or file:// URLs.
    const cell = /(<cell \d+>):(\d+):(\d+)\)?\s*$/.exec(line);
    if (cell) return `${op} at ${cellSite(cell[1]!, Number(cell[2]), Number(cell[3]))}`;
    const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file.startsWith(engineDir) || file.startsWith("node:") || file.includes("node_modules")) continue;
    return `${op} at ${basename(file)}:${m[2]}`;
  }
  return `${op} at <unknown>`;
}
