// This session's input (and text output) history, answering history_request: tail, range and
// search (glob patterns, as IPython's history search uses), with `unique` and `n`.

export type HistoryEntry = [session: number, line: number, input: string | [string, string | null]];

export interface HistoryRequest {
  output?: boolean;
  raw?: boolean;
  hist_access_type: "tail" | "range" | "search";
  session?: number;
  start?: number;
  stop?: number | null;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

/** A glob (`*`, `?`, `[...]`) as a whole-string regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      if (close < 0) re += "\\[";
      else { re += "[" + glob.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\") + "]"; i = close; }
    } else re += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export class History {
  private readonly inputs: string[] = [];
  private readonly outputs = new Map<number, string>();

  /** `session` is this kernel's session number in the replies (IPython numbers sessions from 1). */
  constructor(readonly session = 1) {}

  /** Records a cell's input at its execution count (1-based, consecutive). */
  add(line: number, input: string): void {
    this.inputs[line - 1] = input;
  }

  setOutput(line: number, text: string): void {
    this.outputs.set(line, text);
  }

  get length(): number {
    return this.inputs.length;
  }

  private entry(line: number, output: boolean): HistoryEntry {
    const input = this.inputs[line - 1] ?? "";
    return [this.session, line, output ? [input, this.outputs.get(line) ?? null] : input];
  }

  query(req: HistoryRequest): HistoryEntry[] {
    const output = !!req.output;
    const lines = this.inputs.map((_, i) => i + 1).filter((l) => this.inputs[l - 1] !== undefined);
    switch (req.hist_access_type) {
      case "tail": {
        const n = req.n ?? 10;
        return lines.slice(Math.max(0, lines.length - n)).map((l) => this.entry(l, output));
      }
      case "range": {
        // Session 0 (or this session's number) means this session; older sessions are not kept.
        const s = req.session ?? 0;
        if (s !== 0 && s !== this.session) return [];
        const start = req.start ?? 1;
        const stop = req.stop ?? lines.length + 1;
        return lines.filter((l) => l >= start && l < stop).map((l) => this.entry(l, output));
      }
      case "search": {
        const re = globToRegExp(req.pattern ?? "*");
        let hits = lines.filter((l) => re.test(this.inputs[l - 1]!));
        if (req.unique) {
          // Keep the most recent occurrence of each input.
          const seen = new Set<string>();
          hits = hits.reverse().filter((l) => { const k = this.inputs[l - 1]!; if (seen.has(k)) return false; seen.add(k); return true; }).reverse();
        }
        if (req.n != null) hits = hits.slice(Math.max(0, hits.length - req.n));
        return hits.map((l) => this.entry(l, output));
      }
      default:
        return [];
    }
  }
}
