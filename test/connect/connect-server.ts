// A local Spark Connect server from the pinned PySpark (test/python/requirements.txt: its jars ship
// the server), started once per test file on a free loopback port with a 1 GB driver heap, and
// stopped after. `available()` says why not when Java is missing.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { venvPython } from "../python/venv";

export interface ConnectServer {
  url: string;
  log(): string;
  stop(): Promise<void>;
}

export function javaMissing(): string | undefined {
  const r = spawnSync("java", ["-version"], { stdio: "ignore" });
  return r.status === 0 ? undefined : "Java is not installed (Spark Connect needs Java 17)";
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** `conf`: extra Spark settings, e.g. { "spark.sql.ansi.enabled": "false" } to match the embedded engine's defaults. */
export async function startConnectServer(conf: Record<string, string> = {}, timeoutMs = 180_000): Promise<ConnectServer> {
  const py = venvPython();
  const sparkHome = spawnSync(py, ["-c", "import pyspark, os; print(os.path.dirname(pyspark.__file__))"], { encoding: "utf8" }).stdout.trim();
  const submit = join(sparkHome, "bin", "spark-submit");
  if (!existsSync(submit)) throw new Error(`no spark-submit in ${sparkHome}`);
  const port = await freePort();
  const logDir = mkdtempSync(join(tmpdir(), "bdw-connect-server-"));
  const logFile = join(logDir, "server.log");
  const logFd = openSync(logFile, "w");
  const child: ChildProcess = spawn(submit, [
    "--master", "local[2]", "--driver-memory", "1g",
    "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
    "--conf", `spark.connect.grpc.binding.port=${port}`,
    "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
    "--conf", "spark.ui.enabled=false",
    "--conf", "spark.sql.shuffle.partitions=2",
    ...Object.entries(conf).flatMap(([k, v]) => ["--conf", `${k}=${v}`]),
    "spark-internal",
  ], { env: { ...process.env, SPARK_HOME: sparkHome, PATH: `${dirname(py)}:${process.env.PATH}` }, stdio: ["ignore", logFd, logFd], detached: true });
  closeSync(logFd);
  // The server's output goes to a file, never a pipe: a test blocked in a synchronous Spark Connect
  // call (Atomics.wait) would not drain a pipe, and a server blocked writing its log answers nobody.
  const log = () => { try { return readFileSync(logFile, "utf8"); } catch { return ""; } };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try { process.kill(-child.pid!, "SIGTERM"); } catch { /* gone */ }
    await new Promise((r) => { child.once("exit", r); setTimeout(r, 10_000).unref(); });
    try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ }
    rmSync(logDir, { recursive: true, force: true });
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { clearInterval(poll); reject(new Error(`Spark Connect server did not start within ${timeoutMs} ms:\n${log().slice(-3000)}`)); }, timeoutMs);
    const poll = setInterval(() => {
      if (/Spark Connect server started/.test(log())) { clearTimeout(timer); clearInterval(poll); resolve(); }
    }, 100);
    child.once("exit", (code) => { clearTimeout(timer); clearInterval(poll); reject(new Error(`Spark Connect server exited (${code}):\n${log().slice(-3000)}`)); });
  }).catch(async (e) => { await stop(); throw e; });
  process.once("exit", () => { try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ } });
  return { url: `sc://127.0.0.1:${port}`, log, stop };
}
