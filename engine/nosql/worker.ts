// What a worker process's main thread loads to host NoSQL stores for the driver (session/worker-entry.ts).
import "./kv-node-service";
import "./vector-shard-service";
import { registerGraphService } from "./graph-store";
import { registerDocumentService } from "./sharded-document-store";
import { registerWideColumnService } from "./wide-column-store";

registerWideColumnService();
registerGraphService();
registerDocumentService();
