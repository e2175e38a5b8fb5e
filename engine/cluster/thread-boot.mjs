// Entry of every executor thread: worker threads do not inherit the process's tsx loader hooks,
// so register tsx here, then load the TypeScript executor module named in workerData.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
for (const m of workerData.preload ?? []) await import(m);
await import(workerData.module);
