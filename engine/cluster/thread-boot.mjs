// Entry of every executor thread: worker threads do not inherit the process's tsx loader hooks,
// so register tsx here when a module to load is TypeScript (a prebuilt bundle needs no loader),
// then load the executor module named in workerData.
import { workerData } from "node:worker_threads";

const modules = [...(workerData.preload ?? []), workerData.module];
if (modules.some((m) => /\.[cm]?tsx?$/.test(m))) {
  const { register } = await import("tsx/esm/api");
  register();
}
for (const m of workerData.preload ?? []) await import(m);
await import(workerData.module);
