// Graphs (lecture 9): PageRank step by step, distributed PageRank on RDDs, a Pregel engine on the
// workers, and a GraphFrames-style API.
export { buildGraph, stochasticMatrix, type LocalGraph, type VertexId, type EdgeTuple } from "./graph-data";
export {
  pageRank, pageRankOn, pageRankStep, personalizedPageRank, trustRank, hits, teleportVector,
  type PageRankOptions, type PageRankResult, type HitsResult,
} from "./pagerank-local";
export { pageRankRDD, linksRDD, type PageRankRDDOptions, type PageRankRDDResult } from "./pagerank-rdd";
export { runPregel, type PregelVertex, type PregelContext, type ComputeFn, type PregelOptions, type PregelResult, type SuperstepMetrics } from "./pregel";
export { pregelPageRank, pregelShortestPaths, pregelConnectedComponents, pregelLabelPropagation } from "./pregel-algorithms";
export { GraphFrame, type GraphFramePageRankOptions } from "./graphframe";
export { pregel, type EdgeTriplet, type EdgeDirection, type GraphXPregelResult } from "./graphx-pregel";
export { partitionGraph, expectedRandomVertexCutReplication, vertexHash, type PartitionStrategy, type PartitioningReport } from "./partitioning";
