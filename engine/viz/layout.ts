// Graph layout for the DAG and plan renderers, on @dagrejs/dagre: nodes with sizes (optionally
// inside clusters), edges with optional label boxes, and back comes every position. Keeping dagre
// behind this one function lets the renderers stay plain string builders.

import dagre from "@dagrejs/dagre";

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  /** Cluster id this node sits in. */
  parent?: string;
}

export interface LayoutCluster {
  id: string;
  /** Extra room inside the top border for the cluster's title. */
  paddingTop?: number;
}

export interface LayoutEdge {
  id: string;
  from: string;
  to: string;
  labelWidth?: number;
  labelHeight?: number;
  /** Higher weight keeps the edge shorter and straighter. */
  weight?: number;
  minlen?: number;
}

export interface Box { x: number; y: number; width: number; height: number }
export interface Point { x: number; y: number }

export interface LayoutResult {
  width: number;
  height: number;
  /** Top-left corner boxes. */
  nodes: Map<string, Box>;
  clusters: Map<string, Box>;
  edges: Map<string, { points: Point[]; label?: Point }>;
}

export interface LayoutOptions {
  rankdir?: "TB" | "LR" | "BT" | "RL";
  nodesep?: number;
  ranksep?: number;
  edgesep?: number;
  margin?: number;
}

/** Lay out a directed graph with optional clusters; positions are top-left based and start at `margin`. */
export function layoutGraph(nodes: LayoutNode[], edges: LayoutEdge[], clusters: LayoutCluster[] = [], opts: LayoutOptions = {}): LayoutResult {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: opts.rankdir ?? "TB", nodesep: opts.nodesep ?? 24, ranksep: opts.ranksep ?? 36, edgesep: opts.edgesep ?? 12, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const c of clusters) g.setNode(c.id, { width: 0, height: 0, paddingTop: c.paddingTop ?? 0 });
  for (const n of nodes) {
    g.setNode(n.id, { width: n.width, height: n.height });
    if (n.parent) g.setParent(n.id, n.parent);
  }
  for (const e of edges) {
    g.setEdge(
      e.from,
      e.to,
      { width: e.labelWidth ?? 0, height: e.labelHeight ?? 0, labelpos: "c", weight: e.weight ?? 1, minlen: e.minlen ?? 1 },
      e.id,
    );
  }
  dagre.layout(g);

  // dagre centres boxes on (x, y); find the bounds and shift everything to start at the margin.
  const margin = opts.margin ?? 12;
  const raw: Array<[string, Box, boolean]> = [];
  const clusterIds = new Set(clusters.map((c) => c.id));
  for (const id of g.nodes()) {
    const n = g.node(id) as { x: number; y: number; width: number; height: number };
    if (!n || n.x === undefined) continue;
    raw.push([id, { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height }, clusterIds.has(id)]);
  }
  const edgeRaw: Array<[string, Point[], Point | undefined]> = [];
  for (const e of g.edges()) {
    const l = g.edge(e) as { points?: Point[]; x?: number; y?: number; width?: number };
    edgeRaw.push([e.name ?? `${e.v}->${e.w}`, l.points ?? [], l.width && l.x !== undefined && l.y !== undefined ? { x: l.x, y: l.y } : undefined]);
  }
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const extend = (x: number, y: number) => {
    minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
  };
  for (const [, b] of raw) { extend(b.x, b.y); extend(b.x + b.width, b.y + b.height); }
  for (const [, pts, lab] of edgeRaw) { for (const p of pts) extend(p.x, p.y); if (lab) extend(lab.x, lab.y); }
  if (!Number.isFinite(minX)) { minX = minY = 0; maxX = maxY = 0; }
  const dx = margin - minX, dy = margin - minY;
  const res: LayoutResult = { width: maxX - minX + 2 * margin, height: maxY - minY + 2 * margin, nodes: new Map(), clusters: new Map(), edges: new Map() };
  for (const [id, b, isCluster] of raw) (isCluster ? res.clusters : res.nodes).set(id, { ...b, x: b.x + dx, y: b.y + dy });
  for (const [id, pts, lab] of edgeRaw) {
    res.edges.set(id, { points: pts.map((p) => ({ x: p.x + dx, y: p.y + dy })), ...(lab ? { label: { x: lab.x + dx, y: lab.y + dy } } : {}) });
  }
  return res;
}
