// `workbench worker`: joins this machine to a running driver as a worker process, through the
// engine's runWorker. Resolves when the worker stops (driver gone, or SIGINT/SIGTERM).
// The session secret comes from WORKBENCH_TOKEN or --token-file, so it never shows in `ps`;
// --token still works but warns for that reason.

import { readFileSync } from "node:fs";
import { int, parse, UsageError, type Command } from "./command";

export const workerCommand: Command = {
  name: "worker",
  summary: "join a running driver as a worker",
  help: `Usage: workbench worker --driver ws://HOST:PORT [--token-file FILE] [--host H] [--cores N]
       (the token comes from WORKBENCH_TOKEN unless --token-file is given)

Starts a worker process that connects to a driver (a notebook's SparkSession) and runs its tasks.
The worker and the driver prove the session's secret to each other without sending it; a driver
that cannot prove it is refused.

Options:
  --driver URL       the driver's WebSocket address, e.g. ws://10.0.0.5:7077
  --token-file FILE  read the session's secret token from FILE (first line)
  --token T          the token on the command line (visible to other users in \`ps\`: prefer
                     WORKBENCH_TOKEN or --token-file)
  --host H           address this worker's shuffle server binds to and advertises (default: 127.0.0.1)
  --cores N          task slots on this worker (default: the engine's default)
  -h, --help         show this help

Environment:
  WORKBENCH_TOKEN    the session's secret token (printed by the driver as spark.cluster.token)`,
  async run(args) {
    const { values, positionals } = parse(args, {
      driver: { type: "string" },
      token: { type: "string" },
      "token-file": { type: "string" },
      host: { type: "string" },
      cores: { type: "string" },
    });
    if (values.help) return console.log(this.help), 0;
    if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const driverUrl = values.driver;
    if (!driverUrl || !/^wss?:\/\//.test(driverUrl)) throw new UsageError("--driver ws://HOST:PORT is required");
    const token = readToken(values.token as string | undefined, values["token-file"] as string | undefined);
    const cores = int(values.cores, "--cores", 1);
    const { runWorker } = await import("../../../engine/index");
    await runWorker({ driverUrl, token, ...(values.host ? { host: values.host } : {}), ...(cores ? { cores } : {}) });
    return 0;
  },
};

/** The secret from --token-file, WORKBENCH_TOKEN or (with a warning) --token. */
function readToken(flag: string | undefined, file: string | undefined): string {
  if (file !== undefined) {
    let text: string;
    try { text = readFileSync(file, "utf8"); } catch (e) {
      throw new UsageError(`cannot read --token-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const token = text.split(/\r?\n/)[0]!.trim();
    if (!token) throw new UsageError(`--token-file ${file} is empty`);
    return token;
  }
  if (flag !== undefined) {
    process.stderr.write("warning: --token puts the session secret on the command line, where other users can read it (ps); use WORKBENCH_TOKEN or --token-file\n");
    return flag;
  }
  const env = process.env.WORKBENCH_TOKEN;
  if (env) return env;
  throw new UsageError("the session token is required: set WORKBENCH_TOKEN or pass --token-file FILE");
}
