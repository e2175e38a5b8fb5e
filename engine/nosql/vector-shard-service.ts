// The worker side of sharded vector stores: the "nosql.vector" service a worker process runs in its
// main thread. It keeps the shards the driver opened on this worker, by store name and shard.

import { registerWorkerService } from "../cluster/worker-services";
import { AnalysisError } from "../common/errors";
import { applyShardOp, VECTOR_SERVICE, type VectorShardOp } from "./vector-store";
import { VectorShard } from "./vector-shard";

const shards = new Map<string, VectorShard>();

registerWorkerService(VECTOR_SERVICE, (raw, ctx) => {
  const op = raw as VectorShardOp;
  const id = `${op.store}/${op.shard}`;
  if (op.op === "open") shards.set(id, new VectorShard(op.spec));
  const shard = shards.get(id);
  if (!shard) throw new AnalysisError("UNKNOWN_SHARD", `Shard ${op.shard} of vector store ${op.store} is not on worker ${ctx.workerId} (was the worker restarted?).`, { parameters: { store: op.store, shard: op.shard } });
  return applyShardOp(shard, op);
});
