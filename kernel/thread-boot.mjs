// Entry of the kernel's threads when it runs from its TypeScript sources: worker threads do not
// inherit the process's tsx loader hooks, so register tsx here, then load the thread's module
// (workerData.threadModule). From the kernel's bundle, threads start from their bundled files.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.threadModule);
