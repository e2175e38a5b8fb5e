// Turns what a cell threw (or failed to compile) into a Jupyter error: ename, evalue and an
// IPython-like traceback that points at the user's cell lines. Engine errors put the user's own
// frames (the cell, then the failing task's stack) before engine internals.

import { stripLineMarkers, userLineAt } from "./line-markers";

/** What the kernel remembers about an executed cell, to map stack positions back to its lines. */
export interface CellRecord {
  /** e.g. "<cell 3>": the file name given to the VM for this cell. */
  file: string;
  /** The execution count shown as In[n]. */
  count: number;
  source: string;
  emitted?: string;
  /** Characters the VM wrapper puts before the emitted code on its first line. */
  prefixLength: number;
}

/**
 * The user's line for a position (1-based line and column) in the JavaScript the VM ran for
 * `cell`. The one place that knows the kernel's wrapper: the VM puts `prefixLength` characters
 * before the emitted code on its first line, and the wrapper's closing line after it is not user
 * code. Undefined when the position names no line of the cell (or the cell was not compiled yet).
 */
export function cellUserLine(cell: CellRecord, jsLine: number, jsColumn: number): number | undefined {
  if (cell.emitted === undefined) return undefined;
  if (jsLine > cell.emitted.split("\n").length) return undefined;
  return userLineAt(cell.emitted, jsLine, jsLine === 1 ? jsColumn - cell.prefixLength : jsColumn);
}

export interface JupyterError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface CompileDiagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
}

const RED = "\u001b[0;31m", GREEN = "\u001b[0;32m", CYAN = "\u001b[0;36m", DIM = "\u001b[2m", RESET = "\u001b[0m";
const RULE = `${RED}${"-".repeat(75)}${RESET}`;

const FRAME_RE = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?\s*$/;
const CELL_FILE_RE = /^<cell (\d+)>$/;
/** A frame of a user function rebuilt on a worker (engine/common/closure compiles shipped code). */
const SHIPPED_FN_RE = /\(eval at factoryFor \(/;

interface Frame { fn?: string; file: string; line: number; column: number; raw: string }

function parseFrames(stack: string | undefined): { head: string[]; frames: Frame[] } {
  const head: string[] = [], frames: Frame[] = [];
  for (const l of (stack ?? "").split("\n")) {
    const m = FRAME_RE.exec(l);
    if (m) frames.push({ fn: m[1], file: m[2]!, line: Number(m[3]), column: Number(m[4]), raw: l.trim() });
    else if (frames.length === 0) head.push(l);
  }
  return { head, frames };
}

/** Source excerpt with an arrow on `line` (1-based), IPython style. */
export function sourceExcerpt(source: string, line: number, context = 2, caretColumn?: number): string[] {
  const lines = source.split("\n");
  const from = Math.max(1, line - context), to = Math.min(lines.length, line + context);
  const width = String(to).length;
  const out: string[] = [];
  for (let i = from; i <= to; i++) {
    const num = String(i).padStart(width);
    const text = lines[i - 1] ?? "";
    if (i === line) {
      out.push(`${GREEN}----> ${num}${RESET} ${text}`);
      if (caretColumn !== undefined) out.push(`${" ".repeat(6 + width + caretColumn)}${RED}^${RESET}`);
    } else {
      out.push(`      ${num} ${text}`);
    }
  }
  return out;
}

function isEngineFile(file: string): boolean {
  return /[\\/](engine|kernel)[\\/]/.test(file) || file.includes("node_modules") || file.startsWith("node:") || file.startsWith("evalmachine");
}

/** Frames of the machinery that runs a cell (VM, tslab, this kernel): never useful to a student. */
function isKernelPlumbing(file: string): boolean {
  return file === "node:vm" || /[\\/]tslab[\\/]dist[\\/]/.test(file) || /[\\/]kernel[\\/]/.test(file) || file.startsWith("node:internal");
}

export interface ErrorFacts {
  name: string;
  message: string;
  stack?: string;
  kind?: string;
  condition?: string;
  context?: Record<string, unknown>;
  causeStack?: string;
}

/** Reads the fields the traceback needs from any thrown value (WorkbenchError or not). */
export function errorFacts(e: unknown): ErrorFacts {
  if (e instanceof Error) {
    const w = e as Error & { kind?: string; condition?: string; context?: Record<string, unknown>; causeStack?: string };
    return { name: w.kind ?? e.name, message: e.message, stack: e.stack, kind: w.kind, condition: w.condition, context: w.context, causeStack: w.causeStack };
  }
  if (e && typeof e === "object" && "message" in e) return { name: String((e as { name?: unknown }).name ?? "Error"), message: String((e as { message: unknown }).message) };
  return { name: "Error", message: `non-Error thrown: ${typeof e === "string" ? JSON.stringify(e) : String(e)}` };
}

/**
 * Where an error surfaced when its own stack has no cell frame (a job failure is raised by the
 * scheduler, not under the user's call): the running cell and, when known, the JS position of
 * the failed job's call site.
 */
export interface FallbackSite {
  file: string;
  /** The user's line in that cell (already mapped, as in the job's call site). */
  line?: number;
}

/** Formats a runtime error thrown by a cell. `cells` finds a cell by its VM file name. */
export function formatRuntimeError(e: unknown, cells: (file: string) => CellRecord | undefined, interrupted = false, fallback?: (facts: ErrorFacts) => FallbackSite | undefined): JupyterError {
  if (interrupted) {
    return { ename: "KeyboardInterrupt", evalue: "cell execution was interrupted", traceback: [RULE, `${RED}KeyboardInterrupt${RESET}: cell execution was interrupted`] };
  }
  const f = errorFacts(e);
  const { frames } = parseFrames(f.stack);
  const tb: string[] = [RULE, `${RED}${f.name}${RESET}${" ".repeat(Math.max(1, 42 - f.name.length))}Traceback (most recent call last)`];

  // The user's cell frames, outermost first (most recent call last, as in Python).
  // (A failed task's frames of the user's function ran on a worker: they are shown with the task failure.)
  const cellFrames = frames.filter((fr) => CELL_FILE_RE.test(fr.file) && !(f.causeStack?.includes(fr.raw.trim()))).reverse();
  if (cellFrames.length === 0) {
    const site = fallback?.(f);
    const cell = site ? cells(site.file) : undefined;
    if (site && cell) {
      const line = site.line !== undefined && site.line >= 1 && site.line <= cell.source.split("\n").length ? site.line : undefined;
      if (line === undefined) tb.push(`${CYAN}Cell In[${cell.count}]${RESET}`);
      else tb.push(`${CYAN}Cell In[${cell.count}], line ${line}${RESET}`, ...sourceExcerpt(cell.source, line));
      tb.push("");
    }
  }
  for (const fr of cellFrames) {
    const cell = cells(fr.file);
    if (!cell) continue;
    // The wrapper's own call line (after the emitted code) is not user code.
    if (cell.emitted !== undefined && fr.line > cell.emitted.split("\n").length) continue;
    const line = cellUserLine(cell, fr.line, fr.column);
    const where = fr.fn && fr.fn !== "eval" && !fr.fn.startsWith("Object.<anonymous>") ? `, in ${fr.fn.replace(/^(async )?exports\./, "$1")}` : "";
    if (line === undefined) {
      tb.push(`${CYAN}Cell In[${cell.count}]${RESET}${where}`);
    } else {
      tb.push(`${CYAN}Cell In[${cell.count}], line ${line}${RESET}${where}`);
      tb.push(...sourceExcerpt(cell.source, line));
    }
    tb.push("");
  }

  // For a failed task, the user's function failed on a worker: one header naming the stage,
  // partition and attempts, the error, the user's own frames, the engine's folded into one line.
  if (f.causeStack) {
    const c = f.context ?? {};
    const attempts = /failed (\d+) times/.exec(f.message)?.[1];
    const where = [
      c.stageId !== undefined ? `stage ${String(c.stageId)}` : "", c.partition !== undefined ? `partition ${String(c.partition)}` : "",
      attempts ? `${attempts} attempts` : "", c.jobId !== undefined ? `job ${String(c.jobId)}` : "", c.workerId !== undefined ? `last on ${String(c.workerId)}` : "",
    ].filter(Boolean).join(", ");
    tb.push(`${CYAN}Task failure${where ? ` (${where})` : ""}:${RESET}`);
    const cause = parseFrames(stripLineMarkers(f.causeStack));
    tb.push(...cause.head.filter((l) => l.trim()));
    let folded = 0;
    for (const fr of cause.frames) {
      // A function written in a cell was compiled on the worker under its cell name and line:
      // show the user's line with its code, as for a frame on the driver.
      const cell = CELL_FILE_RE.test(fr.file) ? cells(fr.file) : undefined;
      // Columns on the function's first line differ on the worker (the source starts a line
      // there): the line's end names the same user line as any column on it.
      const lineEnd = (cell?.emitted?.split("\n")[fr.line - 1]?.length ?? 0) + 1 + (fr.line === 1 ? cell?.prefixLength ?? 0 : 0);
      const line = cell ? cellUserLine(cell, fr.line, lineEnd) : undefined;
      if (cell && line !== undefined && line >= 1 && line <= cell.source.split("\n").length) {
        const name = fr.fn && fr.fn !== "eval" && !fr.fn.startsWith("Object.<anonymous>") ? `, in ${fr.fn.replace(/^(async )?(exports\.)?/, "$1")}` : "";
        tb.push(`${CYAN}Cell In[${cell.count}], line ${line}${RESET}${name} ${DIM}(your function, run on a worker)${RESET}`, ...sourceExcerpt(cell.source, line));
        continue;
      }
      // A shipped user function runs as code compiled on the worker ("eval at factoryFor").
      if (SHIPPED_FN_RE.test(fr.raw)) tb.push(`    in ${fr.fn?.replace(/^(async )?(exports\.)?/, "$1").replace(/ \(eval at .*$/, "") ?? "<anonymous>"} ${DIM}(your function, run on a worker)${RESET}`);
      else if (isEngineFile(fr.file)) folded++;
      else tb.push(`    ${fr.raw}`);
    }
    if (folded > 0) tb.push(`${DIM}    … ${folded} engine frame${folded === 1 ? "" : "s"}${RESET}`);
    tb.push("");
  }

  // A SQL syntax error: Spark's "(line L, pos P)" (pos 0-based) and its "== SQL ==" block with the
  // caret; the parser's own frames say nothing to the user.
  const sql = sqlErrorBlock(f);
  if (sql) {
    tb.push(`${RED}${f.name}${RESET}: ${sql.evalue}`, "", ...sql.block);
    return { ename: f.name, evalue: sql.evalue, traceback: tb };
  }
  tb.push(`${RED}${f.name}${RESET}: ${f.message}`);
  // A task failure's own stack repeats the worker's frames shown above: printed once.
  if (f.causeStack) return { ename: f.name, evalue: f.message, traceback: tb };
  // Remaining frames: anything not in a cell, user code (local modules) before engine internals.
  const rest = frames.filter((fr) => !CELL_FILE_RE.test(fr.file) && !isKernelPlumbing(fr.file));
  const user = rest.filter((fr) => !isEngineFile(fr.file)), engine = rest.filter((fr) => isEngineFile(fr.file));
  for (const fr of user) tb.push(`    ${fr.raw}`);
  if (engine.length > 0) tb.push(`${DIM}    … ${engine.length} engine frame${engine.length === 1 ? "" : "s"}${RESET}`);
  return { ename: f.name, evalue: f.message, traceback: tb };
}

/** For a SQL ParseError with a position: the message with "(line L, pos P)" and the SQL block. */
function sqlErrorBlock(f: ErrorFacts): { evalue: string; block: string[] } | undefined {
  const c = f.context ?? {};
  if (f.name !== "ParseError" || typeof c.line !== "number" || typeof c.column !== "number") return undefined;
  // The engine's message already ends as Spark's does: "(line L, pos P)" and the == SQL == block.
  const at = f.message.indexOf("\n\n== SQL ==\n");
  if (at >= 0) return { evalue: f.message.slice(0, at), block: f.message.slice(at + 2).split("\n") };
  const evalue = `${f.message} (line ${c.line}, pos ${c.column - 1})`;
  const snippet = typeof c.snippet === "string" ? c.snippet.split("\n") : [];
  const body = snippet.length > 0 && /^== SQL/.test(snippet[0]!) ? snippet.slice(1) : snippet;
  return { evalue, block: ["== SQL ==", ...body] };
}

/** Formats TypeScript diagnostics for a cell that did not compile. */
export function formatCompileError(diags: CompileDiagnostic[], cell: CellRecord): JupyterError {
  const tb: string[] = [RULE, `${RED}TSError${RESET}${" ".repeat(35)}TypeScript compilation failed`];
  for (const d of diags) {
    if (d.file) {
      tb.push(`${CYAN}${d.file}, line ${d.line}:${d.column}${RESET}: ${d.message}`);
      continue;
    }
    tb.push(`${CYAN}Cell In[${cell.count}], line ${d.line}:${d.column}${RESET}`);
    tb.push(...sourceExcerpt(cell.source, d.line, 1, d.column - 1));
    tb.push(`${RED}error${RESET}: ${d.message}`, "");
  }
  const first = diags[0];
  const evalue = first ? `${first.file ? first.file + " " : ""}${first.line}:${first.column} - ${first.message}` : "compilation failed";
  return { ename: "TSError", evalue, traceback: tb };
}
