// Public surface of the storage layer: persistence levels and the per-executor block cache,
// shuffle files (write, local read, decode, remove), the worker's shuffle block server and the
// reduce-side fetcher, and the spilling map and sorter used by shuffle readers.

export { StorageLevel } from "./storage-level";
export { BlockManager, takeTupleColumns, type BlockManagerOptions, type BlockInfo, type BlockLocation, type PutResult } from "./block-manager";
export type { Aggregator } from "./aggregator";
export { writeShuffleOutput, type MapStatus, type ShuffleWriteOptions } from "./shuffle-writer";
export {
  readLocalShuffleBlock, decodeShuffleBlock, forEachShuffleRecord, removeShuffle,
  shuffleDataPath, shuffleIndexPath,
} from "./shuffle-files";
export { ShuffleServer, type ShuffleServerOptions } from "./shuffle-server";
export { fetchShuffleBlocks, closeShuffleClients, type FetchOptions, type FetchRequestSpec, type FetchMetrics, type FetchedBlock } from "./shuffle-fetch";
export { FetchFailedError, type FetchFailureReason } from "./fetch-failed-error";
export { ExternalAppendOnlyMap } from "./external-append-only-map";
export { ExternalSorter } from "./external-sorter";
export { estimateSize, SizeTracker } from "./size-estimator";
