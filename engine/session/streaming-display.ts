// How a streaming query shows in a notebook: `query` as a cell's value renders the panel (status,
// batch table, result table sorted by window then key, charts); the kernel keeps it live through
// the LIVE_DISPLAY hook, re-rendering at most a few times a second as batches complete and once
// more when the query stops. Lives in the session layer because it joins streaming and viz.

import { MemorySink, StreamingQuery, recoveryLines } from "../streaming";
import { renderStreamPanel } from "../viz";
import type { MimeBundle } from "../viz";

/** The kernel calls `value[LIVE_DISPLAY](update)` for a cell's value and shows updates in place. */
export const LIVE_DISPLAY = Symbol.for("bigdata-workbench.liveDisplay");

const UPDATE_INTERVAL_MS = 250;

function sortValue(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  if (v && typeof v === "object" && "start" in v) return sortValue((v as { start: unknown }).start);
  return v;
}
function compareRows(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = sortValue(a[i]), y = sortValue(b[i]);
    if (x === y) continue;
    if (x === null || x === undefined) return -1;
    if (y === null || y === undefined) return 1;
    return (x as number) < (y as number) ? -1 : 1;
  }
  return 0;
}

/** The panel of a query as a MIME bundle. */
export async function streamingQueryBundle(q: StreamingQuery, maxRows = 20): Promise<MimeBundle> {
  const sink = q.sink;
  const source = sink instanceof MemorySink && sink.resultSchema ? { schema: sink.resultSchema, rows: sink.rawRows() } : q.lastBatch;
  const schema = source?.schema;
  const rows = source ? [...source.rows].sort(compareRows) : undefined;
  const names = schema?.fields.map((f) => f.name) ?? [];
  const exc = q.exception();
  return renderStreamPanel({
    name: q.name,
    id: q.id,
    status: q.isActive ? `active: ${q.status.message}` : exc ? "failed" : "stopped",
    outputMode: q.outputMode,
    progress: q.recentProgress,
    ...(schema && rows ? { schema, rows: rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]]))) } : {}),
    ...(exc ? { error: exc.message } : {}),
    ...(q.recovery ? { recovery: recoveryLines(q.recovery) } : {}),
  }, { maxRows });
}

let installed = false;

/** Give StreamingQuery its notebook display (idempotent). */
export function installStreamingDisplay(): void {
  if (installed) return;
  installed = true;
  const proto = StreamingQuery.prototype as unknown as Record<string | symbol, unknown>;
  Object.defineProperty(proto, "_repr_mimebundle_", {
    value(this: StreamingQuery) { return streamingQueryBundle(this); },
    configurable: true, writable: true,
  });
  Object.defineProperty(proto, LIVE_DISPLAY, {
    value(this: StreamingQuery, update: (bundle: MimeBundle) => void): () => void {
      let timer: NodeJS.Timeout | undefined;
      let last = 0;
      const render = () => {
        timer = undefined;
        last = Date.now();
        void streamingQueryBundle(this).then(update, () => undefined);
      };
      const unsubscribe = this._subscribe(() => {
        if (!this.isActive) { clearTimeout(timer); render(); unsubscribe(); return; }
        if (timer) return;
        timer = setTimeout(render, Math.max(0, UPDATE_INTERVAL_MS - (Date.now() - last)));
      });
      return () => { clearTimeout(timer); unsubscribe(); };
    },
    configurable: true,
  });
}
