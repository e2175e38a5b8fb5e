// Where the user called an operator ("map at wordcount.ts:12", "collect at <cell 3>:2"): the
// first stack frame outside the engine, as Spark's callSite shows in its UI and errors.

import { fileURLToPath } from "node:url";
import { dirname, basename } from "node:path";

const ENGINE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

export function userCallSite(op: string): string {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  for (const line of stack) {
    const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file.startsWith(ENGINE_DIR) || file.startsWith("node:") || file.includes("node_modules")) continue;
    return `${op} at ${basename(file)}:${m[2]}`;
  }
  return `${op} at <unknown>`;
}
