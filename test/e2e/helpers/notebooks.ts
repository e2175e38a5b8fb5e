// Small notebooks for the end-to-end tests, written as data, and normalisation for comparing
// executed notebooks produced by different clients (our runner vs nbclient).

export interface TestCell {
  source: string;
  tags?: string[];
  markdown?: boolean;
}

export function makeNotebook(kernel: { name: string; language: string }, cells: TestCell[]): Record<string, unknown> {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel.name, display_name: kernel.name, language: kernel.language } },
    cells: cells.map((c, i) =>
      c.markdown
        ? { cell_type: "markdown", id: `c${i}`, metadata: {}, source: c.source }
        : { cell_type: "code", id: `c${i}`, metadata: c.tags ? { tags: c.tags } : {}, source: c.source, execution_count: null, outputs: [] },
    ),
  };
}

type AnyOutput = Record<string, any>;

function text(v: unknown): string {
  return Array.isArray(v) ? v.join("") : String(v ?? "");
}

/** Outputs per code cell in a comparable form: streams merged per name run, multi-line strings
 * joined, and transient fields dropped. */
export function normalizedOutputs(nb: any): AnyOutput[][] {
  return (nb.cells as any[])
    .filter((c) => c.cell_type === "code")
    .map((c) => {
      const outs: AnyOutput[] = [];
      for (const o of c.outputs as AnyOutput[]) {
        if (o.output_type === "stream") {
          const last = outs[outs.length - 1];
          if (last?.output_type === "stream" && last.name === o.name) last.text += text(o.text);
          else outs.push({ output_type: "stream", name: o.name, text: text(o.text) });
        } else if (o.output_type === "error") {
          outs.push({ output_type: "error", ename: o.ename, evalue: o.evalue, traceback: o.traceback });
        } else {
          const data: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(o.data ?? {})) data[k] = typeof v === "string" || Array.isArray(v) ? text(v) : v;
          outs.push({ output_type: o.output_type, data, ...(o.output_type === "execute_result" ? { execution_count: o.execution_count } : {}) });
        }
      }
      return outs;
    });
}
