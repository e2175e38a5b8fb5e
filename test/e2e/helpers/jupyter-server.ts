// Starts a real classic Notebook server (Debian's jupyter-notebook) for a test: loopback, a
// fresh token, the sandbox's Jupyter dirs, its own process group; stop() ends it and the
// kernels it started.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { findNotebookServer, freePort } from "../../../kernel/cli/index";
import type { Sandbox } from "./sandbox";
import { alive, pidsMatching, waitUntil } from "./processes";

export interface RunningServer {
  baseUrl: string;
  token: string;
  port: number;
  log(): string;
  stop(): Promise<void>;
}

export async function startJupyter(sb: Sandbox, notebookDir: string): Promise<RunningServer> {
  const server = findNotebookServer();
  if (!server) throw new Error("no Jupyter Notebook server installed");
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const args = [
    ...server.argv.slice(1),
    "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--NotebookApp.port_retries=0", `--notebook-dir=${notebookDir}`,
    ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
  ];
  const child = spawn(server.argv[0]!, args, { env: { ...sb.env, JUPYTER_TOKEN: token }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  child.stdout.on("data", (b: Buffer) => (log += b.toString()));
  child.stderr.on("data", (b: Buffer) => (log += b.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`Jupyter exited early:\n${log}`);
    try {
      return (await fetch(`${baseUrl}/api/status`, { headers: { Authorization: `token ${token}` } })).ok;
    } catch {
      return false;
    }
  }, 60_000, "Jupyter to answer");
  return {
    baseUrl,
    token,
    port,
    log: () => log,
    async stop() {
      const kernels = pidsMatching(sb.env.JUPYTER_RUNTIME_DIR!);
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await waitUntil(() => child.exitCode !== null || child.signalCode !== null, 20_000, "Jupyter to stop").catch(() => {
          try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ }
        });
      }
      // Kernels run in their own sessions (jupyter_client starts them that way); make sure none survive.
      await waitUntil(() => kernels.every((p) => !alive(p)), 10_000, "kernels to stop").catch(() => {
        for (const p of kernels) try { process.kill(p, "SIGKILL"); } catch { /* gone */ }
      });
    },
  };
}
