// Turns iopub messages into nbformat outputs the way Jupyter front ends do: consecutive stream
// chunks merge, update_display_data rewrites every earlier output with that display id (in any
// cell) in place, and clear_output(wait=True) clears only when the next output arrives.

import type { CodeCell, DisplayDataOutput, ExecuteResultOutput, Output } from "./notebook";
import type { JupyterMessage } from "../../protocol/wire";

type Displayed = DisplayDataOutput | ExecuteResultOutput;

export class OutputCollector {
  /** display_id -> every output showing it, across the whole notebook. */
  private readonly displays = new Map<string, Set<Displayed>>();
  private clearPending = false;
  private cell: CodeCell | undefined;
  executionCount: number | null = null;

  /** Starts collecting into `cell` (its outputs are replaced). */
  begin(cell: CodeCell): void {
    this.forget(cell.outputs);
    cell.outputs = [];
    this.cell = cell;
    this.clearPending = false;
    this.executionCount = null;
  }

  /** Applies one iopub message whose parent is the running cell's request; returns the output it
   * added, if any. */
  handle(msg: JupyterMessage): Output | undefined {
    const cell = this.cell;
    if (!cell) return undefined;
    const c = msg.content as Record<string, any>;
    switch (msg.header.msg_type) {
      case "execute_input":
        if (typeof c.execution_count === "number") this.executionCount = c.execution_count;
        return undefined;
      case "stream": {
        this.flushClear(cell);
        const last = cell.outputs[cell.outputs.length - 1];
        if (last?.output_type === "stream" && last.name === c.name) {
          last.text += String(c.text ?? "");
          return last;
        }
        return this.push(cell, { output_type: "stream", name: c.name === "stderr" ? "stderr" : "stdout", text: String(c.text ?? "") });
      }
      case "display_data": {
        this.flushClear(cell);
        const out: DisplayDataOutput = { output_type: "display_data", data: c.data ?? {}, metadata: c.metadata ?? {} };
        this.remember(c.transient?.display_id, out);
        return this.push(cell, out);
      }
      case "update_display_data": {
        const id = c.transient?.display_id;
        for (const out of (id && this.displays.get(id)) || []) {
          out.data = c.data ?? {};
          out.metadata = c.metadata ?? {};
        }
        return undefined;
      }
      case "execute_result": {
        this.flushClear(cell);
        if (typeof c.execution_count === "number") this.executionCount = c.execution_count;
        const out: ExecuteResultOutput = {
          output_type: "execute_result",
          execution_count: typeof c.execution_count === "number" ? c.execution_count : this.executionCount,
          data: c.data ?? {},
          metadata: c.metadata ?? {},
        };
        this.remember(c.transient?.display_id, out);
        return this.push(cell, out);
      }
      case "error":
        this.flushClear(cell);
        return this.push(cell, {
          output_type: "error",
          ename: String(c.ename ?? "Error"),
          evalue: String(c.evalue ?? ""),
          traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
        });
      case "clear_output":
        if (c.wait) this.clearPending = true;
        else this.clear(cell);
        return undefined;
      default:
        return undefined;
    }
  }

  /** Adds an output the runner made itself (a timeout or a dead kernel). */
  add(output: Output): void {
    if (this.cell) this.push(this.cell, output);
  }

  private push(cell: CodeCell, out: Output): Output {
    cell.outputs.push(out);
    return out;
  }

  private flushClear(cell: CodeCell): void {
    if (this.clearPending) this.clear(cell);
  }

  private clear(cell: CodeCell): void {
    this.clearPending = false;
    this.forget(cell.outputs);
    cell.outputs = [];
  }

  private remember(id: unknown, out: Displayed): void {
    if (typeof id !== "string" || !id) return;
    let set = this.displays.get(id);
    if (!set) this.displays.set(id, (set = new Set()));
    set.add(out);
  }

  private forget(outputs: Output[]): void {
    for (const set of this.displays.values()) for (const o of outputs) set.delete(o as Displayed);
  }
}
