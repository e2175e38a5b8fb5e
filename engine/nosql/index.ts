// NoSQL stores and partitioning (lectures 4 and 5).
export { ConsistentHashRing, type ConsistentHashRingOptions, type RingToken } from "./consistent-hash";
export { ringPosition, mix32, RING_SIZE } from "./ring-hash";
export {
  loadPerNode, movedKeys, hashModN, rangeAssign, ringAssign, quantileBounds, compositeKey,
  type Assign, type LoadStats, type MovedKeys,
} from "./partition-stats";
export { compareClocks, mergeClocks, incrementClock, formatClock, type VectorClock, type ClockOrder } from "./vector-clock";
export { StorageNode, reconcile, type Version, type Versioning } from "./storage-node";
export { KeyValueStore, type KeyValueStoreOptions, type GetResult, type OpOptions, type KvStats, type KvPartitioning, type AntiEntropyReport } from "./key-value-store";
export { merkleTree, diffLeaves, type PlacementSpec } from "./kv-merkle";
export { matches, applyUpdate, valuesAt, compareValues, type Doc, type Filter } from "./doc-query";
export { DocumentStore, Collection, type FindOptions, type ExplainResult, type CollectionOptions, type UpdateResult } from "./document-store";
export { ShardedDocumentStore, ShardedCollection } from "./sharded-document-store";
export { ringSvg, ringChangeSvg, type RingSvgOptions } from "./ring-svg";
export { runPipeline, fieldValue, type AggregationStage } from "./doc-aggregate";
export { checkLinearizable, type RegisterOp, type LinearizabilityResult } from "./linearizability";
export type { KvNode } from "./kv-nodes";
export type { StoreCluster } from "./store-cluster";
export { VectorStore, type VectorStoreOptions, type SearchOptions, type SearchResult } from "./vector-store";
export { VectorShard, type VectorMetric, type VectorHit, type LshSpec, type VectorIndexSpec } from "./vector-shard";
export { WideColumnStore, type WideColumnOptions, type ReadOptions, type ScanOptions, type WideRow, type StorageReport, type CellVersion } from "./wide-column-store";
export { GraphStore, PropertyGraph, type GraphId, type GraphNode, type GraphRelationship, type Direction, type TraversalOptions } from "./graph-store";
export { parseCypher, type CypherQuery } from "./cypher";
