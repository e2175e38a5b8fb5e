// Runs a notebook's code cells in order on a started kernel and fills in their outputs. Stops at
// the first unexpected error (a cell tagged "raises-exception" may fail, as in nbclient), at a
// cell that exceeds its time limit (interrupted first), or when the kernel dies.

import { OutputCollector } from "./output-collector";
import { sleep, type KernelProcess } from "./kernel-process";
import { sourceText, type CodeCell, type ErrorOutput, type Notebook, type Output } from "./notebook";
import type { JupyterMessage } from "../../protocol/wire";

export interface ExecuteOptions {
  /** Per-cell limit in ms; 0 or undefined means no limit. */
  timeoutMs?: number;
  /** Keep going after a failing cell (the failure is still reported). */
  allowErrors?: boolean;
  /** How long an interrupted cell gets to stop before the run gives up on it, ms. */
  interruptGraceMs?: number;
  /** Cells with any of these tags are not run (their outputs are cleared; onCellSkipped says so). */
  skipTags?: string[];
  onCellSkipped?(index: number, cell: CodeCell, tag: string): void;
  onCellStart?(index: number, cell: CodeCell): void;
  onCellEnd?(index: number, cell: CodeCell): void;
  onOutput?(index: number, output: Output): void;
}

export type FailureKind = "error" | "timeout" | "kernel-died";

export interface CellFailure {
  kind: FailureKind;
  cellIndex: number;
  executionCount: number | null;
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface ExecuteResult {
  notebook: Notebook;
  cellsRun: number;
  failures: CellFailure[];
}

/** Executes `nb` (mutated in place: outputs and execution counts) on `kernel`. */
export async function executeNotebook(nb: Notebook, kernel: KernelProcess, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
  const collector = new OutputCollector();
  const failures: CellFailure[] = [];
  let cellsRun = 0;
  if (kernel.kernelInfo.language_info) nb.metadata.language_info = kernel.kernelInfo.language_info as Record<string, unknown>;

  for (let i = 0; i < nb.cells.length; i++) {
    const cell = nb.cells[i]!;
    if (cell.cell_type !== "code") continue;
    const code = sourceText(cell.source);
    collector.begin(cell);
    cell.execution_count = null;
    if (!code.trim()) continue;
    const skipTag = (cell.metadata.tags ?? []).find((t) => opts.skipTags?.includes(t));
    if (skipTag) {
      opts.onCellSkipped?.(i, cell, skipTag);
      continue;
    }
    opts.onCellStart?.(i, cell);
    const failure = await runCell(kernel, cell, i, code, collector, opts);
    cellsRun++;
    cell.execution_count = collector.executionCount;
    opts.onCellEnd?.(i, cell);
    if (!failure) continue;
    const expected = failure.kind === "error" && (cell.metadata.tags ?? []).includes("raises-exception");
    if (expected) continue;
    failures.push(failure);
    if (failure.kind !== "error" || !opts.allowErrors) break;
  }
  return { notebook: nb, cellsRun, failures };
}

/** Runs one code cell (its outputs are collected into it); a failure says why it did not finish cleanly. */
export async function runCell(
  kernel: KernelProcess,
  cell: CodeCell,
  index: number,
  code: string,
  collector: OutputCollector,
  opts: Pick<ExecuteOptions, "timeoutMs" | "interruptGraceMs" | "onOutput" | "allowErrors">,
): Promise<CellFailure | undefined> {
  // As nbclient: a cell whose error is allowed asks the kernel not to abort the requests queued
  // behind it (else a kernel still aborting its queue may abort the next cell's request).
  const allowsErrors = opts.allowErrors === true || (cell.metadata.tags ?? []).includes("raises-exception");
  let idle!: () => void;
  const gotIdle = new Promise<void>((r) => (idle = r));
  let errorOutput: ErrorOutput | undefined;
  let msgId = "";
  const off = kernel.client.onIopub((m: JupyterMessage) => {
    if (m.parent_header.msg_id !== msgId) return;
    if (m.header.msg_type === "status" && m.content.execution_state === "idle") idle();
    const out = collector.handle(m);
    if (out?.output_type === "error") errorOutput = out;
    if (out && out.output_type !== "stream") opts.onOutput?.(index, out);
    else if (out && m.header.msg_type === "stream") opts.onOutput?.(index, { ...out, text: String(m.content.text ?? "") });
  });
  try {
    const req = kernel.client.request("shell", "execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: !allowsErrors,
    });
    msgId = req.msgId;
    // The reply (shell) and the idle status (iopub) race on different sockets: wait for both, but
    // not forever for idle once the reply is in (nbclient allows a few seconds the same way).
    const done = req.reply.then(async (reply) => {
      await Promise.race([gotIdle, sleep(10_000)]);
      return reply;
    });
    const died = kernel.exited.then(() => "died" as const);
    const limit = opts.timeoutMs ? sleep(opts.timeoutMs).then(() => "timeout" as const) : new Promise<never>(() => {});
    const outcome = await Promise.race([done, died, limit]);

    if (outcome === "timeout") {
      await kernel.interrupt();
      const grace = sleep(opts.interruptGraceMs ?? 10_000).then(() => "gave-up" as const);
      const after = await Promise.race([done, died, grace]);
      const secs = (opts.timeoutMs ?? 0) / 1000;
      const evalue = `cell ${index} did not finish within ${secs} s; the kernel was interrupted` +
        (after === "gave-up" ? " and did not stop" : "");
      const out: ErrorOutput = { output_type: "error", ename: "CellTimeoutError", evalue, traceback: [`CellTimeoutError: ${evalue}`] };
      collector.add(out);
      return { kind: "timeout", cellIndex: index, executionCount: collector.executionCount, ...pick(out) };
    }
    if (outcome === "died") {
      const x = await kernel.exited;
      const evalue = `the kernel died while running cell ${index} (code ${x.code}, signal ${x.signal})`;
      const tail = kernel.output.trim().split("\n").slice(-20);
      const out: ErrorOutput = { output_type: "error", ename: "DeadKernelError", evalue, traceback: [`DeadKernelError: ${evalue}`, ...tail] };
      collector.add(out);
      return { kind: "kernel-died", cellIndex: index, executionCount: collector.executionCount, ...pick(out) };
    }

    const reply = outcome.content as Record<string, any>;
    if (typeof reply.execution_count === "number") collector.executionCount = reply.execution_count;
    if (reply.status === "ok") return undefined;
    // Prefer the iopub error output (what a front end shows); fall back to the reply's fields.
    const src = errorOutput ?? {
      ename: String(reply.ename ?? (reply.status === "aborted" ? "ExecutionAborted" : "Error")),
      evalue: String(reply.evalue ?? ""),
      traceback: Array.isArray(reply.traceback) ? reply.traceback.map(String) : [],
    };
    if (!errorOutput) collector.add({ output_type: "error", ...pick(src) });
    return { kind: "error", cellIndex: index, executionCount: collector.executionCount, ...pick(src) };
  } finally {
    off();
  }
}

function pick(e: { ename: string; evalue: string; traceback: string[] }) {
  return { ename: e.ename, evalue: e.evalue, traceback: e.traceback };
}
