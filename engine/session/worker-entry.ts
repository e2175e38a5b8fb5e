// Entry script of a worker process (spawned by the local launcher, or `workbench worker`): it
// starts the shuffle block server and the executor threads and connects to the driver.

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startWorkerProcess, type WorkerOptions } from "../cluster/worker-process";
import { ShuffleServer } from "../storage";
// Services the worker's main thread hosts for the driver.
import "../nosql/worker";

/** A worker's options as its launcher passes them; the executor module and preloads default to the sources'. */
export type RunWorkerOptions = Omit<WorkerOptions, "executorModule" | "services" | "heartbeatMs"> & Partial<Pick<WorkerOptions, "executorModule">>;

/** Run a worker until its driver goes away (used by `workbench worker --driver ws://...`). */
export async function runWorker(opts: RunWorkerOptions): Promise<void> {
  await startWorkerProcess({
    ...opts,
    executorModule: opts.executorModule ?? new URL("../executor/executor-thread.ts", import.meta.url).href,
    preload: opts.preload ?? [new URL("../worker-preload.ts", import.meta.url).href],
    services: {
      async start({ localDir, token, host }) {
        const server = new ShuffleServer({ dir: localDir, token, host });
        const shuffleAddress = await server.start();
        return { shuffleAddress, close: () => server.close() };
      },
    },
  });
}

// Node runs the real path of a symlinked entry; compare real paths.
if (process.argv[1] && process.env.BIGDATA_WORKER && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const opts = JSON.parse(process.env.BIGDATA_WORKER) as RunWorkerOptions;
  runWorker(opts).then(
    () => process.exit(0),
    (e) => {
      console.error(`[bigdata worker] ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
