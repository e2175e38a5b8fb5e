// The worker side of sharded vector stores: the "nosql.vector" service a worker process runs in its
// main thread, keeping the shards the driver opened on this worker.

import { registerShardService } from "./shard-host";
import { applyShardOp, isVectorWrite, VECTOR_SERVICE, type VectorShardOp } from "./vector-store";
import { VectorShard } from "./vector-shard";

registerShardService<VectorShard, VectorShardOp>(VECTOR_SERVICE, (open) => new VectorShard((open as Extract<VectorShardOp, { op: "open" }>).spec), applyShardOp, isVectorWrite);
