// Entry of every executor thread: worker threads do not inherit the process's tsx loader hooks,
// so register tsx here when a module to load is TypeScript (a prebuilt bundle needs no loader),
// then load the executor module named in workerData.
// A CommonJS module (the prebuilt bundle, engine/session/worker-bundle.ts) is loaded with require.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { workerData } from "node:worker_threads";

const modules = [...(workerData.preload ?? []), workerData.module];
if (modules.some((m) => /\.[cm]?tsx?$/.test(m))) {
  const { register } = await import("tsx/esm/api");
  register();
}
const load = (m) => (m.endsWith(".cjs") ? createRequire(import.meta.url)(fileURLToPath(m)) : import(m));
for (const m of workerData.preload ?? []) await load(m);
await load(workerData.module);
