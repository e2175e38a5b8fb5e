// Builds course notebooks from TypeScript sources so they are reviewed as code and committed
// with empty outputs. Each lecture file (L06.ts, ...) lists its cells with md`...` / code`...`.

import { readFile, writeFile } from "node:fs/promises";

export interface BuiltCell {
  cell_type: "markdown" | "code";
  id: string;
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: null;
  outputs?: unknown[];
}

export interface CellSpec {
  kind: "markdown" | "code";
  text: string;
  tags?: string[];
  /** Extra cell metadata (an assignment's nbgrader fields). */
  metadata?: Record<string, unknown>;
}

/** Strips the common indentation and the leading/trailing blank lines of a template literal. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n+|\s+$/g, "").split("\n");
  const indents = lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}

/** Cell text as written (raw: backslashes kept), except that a backslash before a backtick or
 * before ${ is dropped, so cells can hold template literals. */
function raw(strings: TemplateStringsArray, values: unknown[]): string {
  return dedent(String.raw({ raw: strings.raw }, ...values).replace(/\\`/g, "`").replace(/\\\$\{/g, "${"));
}

export const md = (strings: TemplateStringsArray, ...values: unknown[]): CellSpec => ({ kind: "markdown", text: raw(strings, values) });
export const code = (strings: TemplateStringsArray, ...values: unknown[]): CellSpec => ({ kind: "code", text: raw(strings, values) });

/**
 * A cell that needs the embedded cluster (the RDD API, its workers, MemoryStream, ML stages):
 * `workbench run --remote` skips it, since a Spark Connect server cannot run it.
 */
export const EMBEDDED_ONLY = "embedded-only";
export const embeddedOnly = (cell: CellSpec): CellSpec => ({ ...cell, tags: [...(cell.tags ?? []), EMBEDDED_ONLY] });

/** nbformat keeps sources as lines that end in "\n" (all but the last). */
function lines(text: string): string[] {
  const parts = text.split("\n");
  return parts.map((l, i) => (i < parts.length - 1 ? l + "\n" : l)).filter((l) => l !== "");
}

export interface NotebookOptions {
  /** Why the whole notebook needs the embedded cluster (its system exists only there): `workbench run --remote` says so and runs nothing. */
  embeddedOnly?: string;
}

export function buildNotebook(prefix: string, cells: CellSpec[], opts: NotebookOptions = {}): Record<string, unknown> {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "bigdata", display_name: "TypeScript (Big Data Workbench)", language: "typescript" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
      ...(opts.embeddedOnly ? { bigdata: { embedded_only: opts.embeddedOnly } } : {}),
    },
    cells: cells.map((c, i): BuiltCell => {
      const id = `${prefix}-${String(i + 1).padStart(2, "0")}`;
      const metadata = { ...(c.tags?.length ? { tags: c.tags } : {}), ...(c.metadata ?? {}) };
      return c.kind === "markdown"
        ? { cell_type: "markdown", id, metadata, source: lines(c.text) }
        : { cell_type: "code", id, metadata, source: lines(c.text), execution_count: null, outputs: [] };
    }),
  };
}

export function formatNotebookJson(nb: Record<string, unknown>): string {
  return JSON.stringify(nb, null, 1) + "\n";
}

/** Writes the notebook, or with `--check` fails when the committed file is out of date. */
export async function emit(path: string, nb: Record<string, unknown>, argv = process.argv.slice(2)): Promise<void> {
  const text = formatNotebookJson(nb);
  if (argv.includes("--check")) {
    const current = await readFile(path, "utf8").catch(() => "");
    if (current !== text) {
      console.error(`${path} is out of date: run \`npx tsx ${process.argv[1]}\``);
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(path, text);
  console.log(`wrote ${path}`);
}
