// danfojs-node baselines for the SQL benchmarks: load the first `rows` rows of the shared Parquet
// file with hyparquet (danfojs-node has no Parquet reader), build a danfo DataFrame, then run
// the group-by or the join. danfojs is imported lazily: loading it costs seconds.
import { asyncBufferFromFile, parquetRead } from "hyparquet";

/** Columns `cols` of the first `rows` rows of a Parquet file, as plain number arrays. */
export async function readColumns(path: string, cols: string[], rows: number): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(cols.map((c) => [c, new Array<number>(rows)]));
  const file = await asyncBufferFromFile(path);
  await parquetRead({
    file, columns: cols, rowStart: 0, rowEnd: rows,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const dst = out[columnName]!;
      for (let i = 0; i < columnData.length; i++) {
        const r = rowStart + i;
        if (r < rows) dst[r] = Number(columnData[i]);
      }
    },
  });
  return out;
}

type DanfoFrame = {
  columns: string[];
  shape: [number, number];
  values: unknown[][];
  groupby(cols: string[]): { agg(spec: Record<string, string | string[]>): DanfoFrame };
};
type Danfo = {
  DataFrame: new (data: Record<string, number[]>) => DanfoFrame;
  merge(opts: { left: DanfoFrame; right: DanfoFrame; on: string[]; how: string }): DanfoFrame;
};

export async function loadDanfo(): Promise<Danfo> {
  return (await import("danfojs-node")) as unknown as Danfo;
}

/** Group-by k: sum and mean of v. Returns k -> [sum, avg] and the ms of the group-by alone. */
export async function danfoGroupBy(dfd: Danfo, cols: Record<string, number[]>): Promise<{ groups: Map<number, [number, number]>; groupByMs: number }> {
  const df = new dfd.DataFrame({ k: cols.k!, v: cols.v! });
  const t = performance.now();
  const g = df.groupby(["k"]).agg({ v: ["sum", "mean"] });
  const groupByMs = performance.now() - t;
  const ki = g.columns.indexOf("k"), si = g.columns.indexOf("v_sum"), ai = g.columns.indexOf("v_mean");
  const groups = new Map<number, [number, number]>();
  for (const row of g.values) groups.set(Number(row[ki]), [Number(row[si]), Number(row[ai])]);
  return { groups, groupByMs };
}

/** Inner join on d, then count and sum of w. */
export async function danfoJoin(dfd: Danfo, fact: Record<string, number[]>, dim: Record<string, number[]>): Promise<{ n: number; sumW: number; joinMs: number }> {
  const left = new dfd.DataFrame({ d: fact.d!, v: fact.v! });
  const right = new dfd.DataFrame({ d: dim.d!, w: dim.w! });
  const t = performance.now();
  const j = dfd.merge({ left, right, on: ["d"], how: "inner" });
  const joinMs = performance.now() - t;
  const wi = j.columns.indexOf("w");
  let sumW = 0;
  for (const row of j.values) sumW += Number(row[wi]);
  return { n: j.shape[0], sumW, joinMs };
}
