// Where the user called an operator ("map at wordcount.ts:12", "collect at <cell 3>:2"): the
// first stack frame outside the engine, as Spark's callSite shows in its UI and errors.

import { fileURLToPath } from "node:url";
import { dirname, basename } from "node:path";

const ENGINE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

export function userCallSite(op: string): string {
  return callSiteFromStack(new Error().stack ?? "", op, ENGINE_DIR);
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
