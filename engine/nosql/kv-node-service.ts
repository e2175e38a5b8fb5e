// The worker side of worker-hosted key-value stores: the "nosql.kv" service a worker process runs
// in its main thread (imported by session/worker-entry.ts). It keeps the StorageNodes the driver
// opened on this worker, by store and node name; "open" (re)creates one from its log.

import { registerWorkerService } from "../cluster/worker-services";
import { AnalysisError } from "../common/errors";
import { KV_SERVICE, nodeLeafEntries, nodeMerkle, type KvNodeOp, type KvNodeReply } from "./kv-nodes";
import { StorageNode } from "./storage-node";

const nodes = new Map<string, StorageNode>();

registerWorkerService(KV_SERVICE, (raw, ctx): KvNodeReply => {
  const op = raw as KvNodeOp;
  const id = `${op.store}/${op.node}`;
  if (op.op === "open") {
    const n = new StorageNode(op.node, op.dir, op.versioning);
    nodes.set(id, n);
    return { size: n.size };
  }
  const n = nodes.get(id);
  if (!n) throw new AnalysisError("UNKNOWN_NODE", `Node ${op.node} of store ${op.store} is not running on worker ${ctx.workerId}.`, { parameters: { node: op.node, worker: ctx.workerId } });
  switch (op.op) {
    case "write": return { versions: n.write(op.key, op.v), size: n.size };
    case "read": return { versions: n.read(op.key), size: n.size };
    case "keys": return { keys: n.keys(), size: n.size };
    case "crash": nodes.delete(id); return { size: 0 };
    case "merkle": return { tree: nodeMerkle(n, op.spec, op.peer, op.depth), size: n.size };
    case "leaves": return { entries: nodeLeafEntries(n, op.spec, op.peer, op.depth, op.leaves), size: n.size };
  }
});
