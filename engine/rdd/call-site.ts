// Where the user called an operator ("map at wordcount.ts:12", "collect at <cell 3>:2"): the
// first stack frame outside the engine, as Spark's callSite shows in its UI and errors.

import { fileURLToPath } from "node:url";
import { dirname, basename } from "node:path";

const ENGINE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

export function userCallSite(op: string): string {
  return fastCallSite(op) ?? callSiteFromStack(new Error().stack ?? "", op, ENGINE_DIR);
}

type Prepare = (err: Error, frames: NodeJS.CallSite[]) => unknown;

/**
 * The same answer as formatting the whole stack, for a fraction of the cost (each action and RDD
 * asks for one; source-mapped formatting of every frame was a good part of a trivial job): the
 * raw frames pick the first user frame, and only that frame goes through the installed formatter
 * (Node's source-map support, tsx's or vitest's), so its file and line are mapped as before.
 * Undefined when that is not possible (no formatter installed, a frame without a file name).
 */
function fastCallSite(op: string): string | undefined {
  const format = Error.prepareStackTrace as Prepare | undefined;
  if (typeof format !== "function") return undefined;
  let frames: NodeJS.CallSite[] = [];
  const err = new Error();
  Error.prepareStackTrace = (_e, cs) => { frames = cs; return ""; };
  try { void err.stack; } finally { Error.prepareStackTrace = format; }
  for (let i = 1; i < frames.length; i++) {
    const f = frames[i]!;
    const name = f.getFileName();
    if (typeof name !== "string" || name === "") return undefined;
    let file = name;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file.startsWith(ENGINE_DIR) || file.startsWith("node:") || file.includes("node_modules")) continue;
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
    const cell = /(<cell \d+>):(\d+):\d+\)?\s*$/.exec(line);
    if (cell) return `${op} at ${cell[1]}:${cell[2]}`;
    const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file.startsWith(engineDir) || file.startsWith("node:") || file.includes("node_modules")) continue;
    return `${op} at ${basename(file)}:${m[2]}`;
  }
  return `${op} at <unknown>`;
}
