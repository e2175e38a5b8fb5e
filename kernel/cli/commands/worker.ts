// `workbench worker`: joins this machine to a running driver as a worker process, through the
// engine's runWorker. Resolves when the worker stops (driver gone, or SIGINT/SIGTERM).

import { loadRunWorker } from "../package-paths";
import { int, parse, UsageError, type Command } from "./command";

export const workerCommand: Command = {
  name: "worker",
  summary: "join a running driver as a worker",
  help: `Usage: workbench worker --driver ws://HOST:PORT --token T [--host H] [--cores N]

Starts a worker process that connects to a driver (a notebook's SparkSession) and runs its tasks.

Options:
  --driver URL    the driver's WebSocket address, e.g. ws://10.0.0.5:7077
  --token T       the session's secret token (printed by the driver; also read from WORKBENCH_TOKEN)
  --host H        address this worker's shuffle server binds to and advertises (default: 127.0.0.1)
  --cores N       task slots on this worker (default: the engine's default)
  -h, --help      show this help`,
  async run(args) {
    const { values, positionals } = parse(args, {
      driver: { type: "string" },
      token: { type: "string" },
      host: { type: "string" },
      cores: { type: "string" },
    });
    if (values.help) return console.log(this.help), 0;
    if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const driverUrl = values.driver;
    const token = values.token ?? process.env.WORKBENCH_TOKEN;
    if (!driverUrl || !/^wss?:\/\//.test(driverUrl)) throw new UsageError("--driver ws://HOST:PORT is required");
    if (!token) throw new UsageError("--token T is required (or set WORKBENCH_TOKEN)");
    const cores = int(values.cores, "--cores", 1);
    const runWorker = await loadRunWorker();
    await runWorker({ driverUrl, token, ...(values.host ? { host: values.host } : {}), ...(cores ? { cores } : {}) });
    return 0;
  },
};
