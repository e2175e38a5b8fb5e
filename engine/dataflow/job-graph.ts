// From the stream transformations a program declares to the job graph that runs: operators are
// chained into one task where Flink chains them (forward edge, same parallelism, the upstream
// operator feeds only this one); keyBy, rebalance, unions, side outputs and parallelism changes
// start a new task with a network exchange; a connected stream's operator is a two-input task.

import { AnalysisError } from "../common/errors";
import type { InputEdge, JobGraph, OperatorSpec, Partitioning, SourceSpec, VertexSpec } from "./types";

export interface TNode {
  id: number;
  kind: "source" | "op" | "union";
  name: string;
  source?: SourceSpec;
  op?: OperatorSpec;
  inputs: Array<{ node: TNode; partitioning: Partitioning; keySelector?: (v: unknown) => unknown; tag?: string; side?: 1 | 2 }>;
  parallelism?: number;
  consumers: number;
}

export function compileJobGraph(sinks: TNode[], name: string, jobId: string, defaultParallelism: number, maxParallelism: number): JobGraph {
  // collect the nodes reachable from the sinks, in creation (topological) order
  const seen = new Map<number, TNode>();
  const visit = (n: TNode) => { if (seen.has(n.id)) return; seen.set(n.id, n); for (const i of n.inputs) visit(i.node); };
  sinks.forEach(visit);
  const nodes = [...seen.values()].sort((a, b) => a.id - b.id);
  if (!nodes.some((n) => n.kind === "source")) throw new AnalysisError("INVALID_PARAMETER_VALUE", "the job has no source");
  const consumers = new Map<number, number>();
  for (const n of nodes) for (const i of n.inputs) consumers.set(i.node.id, (consumers.get(i.node.id) ?? 0) + 1);
  const vertices: VertexSpec[] = [];
  const vertexOf = new Map<number, VertexSpec>();
  const tailOf = new Map<number, number>(); // vertex id -> node id at its chain's end
  const par = (n: TNode) => n.parallelism ?? defaultParallelism;
  // a union forwards its inputs' vertices to its consumer
  const resolve = (i: TNode["inputs"][number]): InputEdge[] => {
    if (i.node.kind === "union") return i.node.inputs.flatMap((u) => resolve({ ...u, partitioning: i.partitioning === "forward" ? u.partitioning : i.partitioning, keySelector: i.keySelector ?? u.keySelector, tag: i.tag ?? u.tag, side: i.side }));
    return [{ from: vertexOf.get(i.node.id)!.id, partitioning: i.partitioning, keySelector: i.keySelector, ...(i.tag ? { tag: i.tag } : {}), ...(i.side === 2 ? { side: 2 } : {}) } as InputEdge];
  };
  for (const n of nodes) {
    if (n.kind === "union") continue;
    if (n.kind === "source") {
      const v: VertexSpec = { id: vertices.length, name: n.name, parallelism: par(n), source: n.source, inputs: [], ops: [], outputs: [], keyed: false };
      vertices.push(v); vertexOf.set(n.id, v); tailOf.set(v.id, n.id);
      continue;
    }
    const only = n.inputs.length === 1 ? n.inputs[0] : undefined;
    const up = only && only.node.kind !== "union" ? vertexOf.get(only.node.id) : undefined;
    const chainable = only && up && only.partitioning === "forward" && !only.tag && tailOf.get(up.id) === only.node.id &&
      (consumers.get(only.node.id) ?? 0) === 1 && up.parallelism === par(n) && !up.ops.some((o) => o.kind === "sink");
    if (chainable) {
      up!.ops.push(n.op!);
      up!.name = `${up!.name} -> ${n.name}`;
      vertexOf.set(n.id, up!); tailOf.set(up!.id, n.id);
      continue;
    }
    const inputs = n.inputs.flatMap(resolve);
    const v: VertexSpec = { id: vertices.length, name: n.name, parallelism: par(n), inputs, ops: [n.op!], outputs: [], keyed: inputs.some((e) => e.partitioning === "hash") };
    vertices.push(v); vertexOf.set(n.id, v); tailOf.set(v.id, n.id);
    for (const e of inputs) { const u = vertices[e.from]; if (!u.outputs.includes(v.id)) u.outputs.push(v.id); }
  }
  const parallelism = Math.max(...vertices.map((v) => v.parallelism));
  return { jobId, name, vertices, parallelism, maxParallelism };
}
