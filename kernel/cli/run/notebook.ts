// nbformat 4 shapes the runner reads and writes, and the small helpers to load, clean and save
// notebooks. Only what the runner touches is typed; unknown fields are kept as they are.

import { readFile, writeFile } from "node:fs/promises";

export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: string;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown> & { tags?: string[] };
  execution_count: number | null;
  outputs: Output[];
}
export interface OtherCell {
  cell_type: "markdown" | "raw";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  attachments?: Record<string, unknown>;
}
export type Cell = CodeCell | OtherCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown> & {
    kernelspec?: { name: string; display_name?: string; language?: string };
    language_info?: Record<string, unknown>;
  };
  cells: Cell[];
}

export class NotebookFormatError extends Error {
  override name = "NotebookFormatError";
}

export function sourceText(s: MultilineString): string {
  return Array.isArray(s) ? s.join("") : s;
}

export function parseNotebook(json: string, where = "notebook"): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (e) {
    throw new NotebookFormatError(`${where} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const n = nb as Partial<Notebook>;
  if (!n || typeof n !== "object" || n.nbformat !== 4 || !Array.isArray(n.cells)) {
    throw new NotebookFormatError(`${where} is not an nbformat 4 notebook`);
  }
  n.metadata ??= {};
  return n as Notebook;
}

export async function readNotebook(path: string): Promise<Notebook> {
  return parseNotebook(await readFile(path, "utf8"), path);
}

/** nbformat's own layout: one-space indent, trailing newline, keys as given. */
export function formatNotebook(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + "\n";
}

export async function writeNotebook(path: string, nb: Notebook): Promise<void> {
  await writeFile(path, formatNotebook(nb));
}

/** A copy with every code cell's outputs and counts cleared (what is committed to the repo). */
export function clearOutputs(nb: Notebook): Notebook {
  const copy = structuredClone(nb);
  for (const c of copy.cells) {
    if (c.cell_type === "code") {
      c.outputs = [];
      c.execution_count = null;
    }
  }
  return copy;
}
