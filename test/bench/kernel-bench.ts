// Kernel start-up benchmark (prints only, asserts nothing): time from spawning the bigdata kernel
// to kernel_info_reply, to the first result with `spark` usable (session and workers started),
// to the first job's result, and a second (warm) job. Run: npx tsx test/bench/kernel-bench.ts

import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { kernelSpec } from "../../kernel/install";
import { decodeMessage, encodeMessage, newHeader } from "../../kernel/protocol/wire";

const zmq = createRequire(import.meta.url)("zeromq") as typeof import("zeromq");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bdw-kernel-bench-"));
  const key = randomBytes(16).toString("hex");
  const ports = { shell_port: await freePort(), iopub_port: await freePort(), stdin_port: await freePort(), control_port: await freePort(), hb_port: await freePort() };
  const conn = { ...ports, ip: "127.0.0.1", transport: "tcp", key, signature_scheme: "hmac-sha256", kernel_name: "bigdata" };
  const connFile = join(dir, "kernel.json");
  writeFileSync(connFile, JSON.stringify(conn));
  const spec = kernelSpec();
  const argv = spec.argv.map((a) => (a === "{connection_file}" ? connFile : a));

  const t0 = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, env: { ...process.env, ...spec.env }, stdio: ["ignore", "ignore", "inherit"] });
  const shell = new zmq.Dealer();
  const iopub = new zmq.Subscriber();
  shell.connect(`tcp://127.0.0.1:${ports.shell_port}`);
  iopub.connect(`tcp://127.0.0.1:${ports.iopub_port}`);
  iopub.subscribe();
  const session = randomUUID();
  // Never leave the kernel behind, whatever happens to this script.
  const killChild = () => { if (child.exitCode === null) child.kill("SIGKILL"); };
  process.once("exit", killChild);
  child.once("exit", (code) => { if (code !== 0) console.error(`kernel exited with ${code}`); });

  async function request(type: string, content: object, readIopub = true): Promise<{ reply: Record<string, unknown>; result?: unknown }> {
    const header = newHeader(type, session, "bench");
    await shell.send(encodeMessage({ identities: [], header, parent_header: {}, metadata: {}, content, buffers: [] }, key));
    let result: unknown;
    // Read iopub until idle for this request, then the shell reply.
    for (; readIopub;) {
      const m = decodeMessage((await iopub.receive()) as Buffer[], key);
      if (m.parent_header.msg_id !== header.msg_id) continue;
      if (m.header.msg_type === "execute_result") result = (m.content as { data: Record<string, unknown> }).data["text/plain"];
      if (m.header.msg_type === "error") result = `${String(m.content.ename)}: ${String(m.content.evalue)}`;
      if (m.header.msg_type === "status" && m.content.execution_state === "idle") break;
    }
    for (;;) {
      const r = decodeMessage((await shell.receive()) as Buffer[], key);
      if (r.parent_header.msg_id === header.msg_id) return { reply: r.content, result };
    }
  }

  const rows: Array<[string, number, string]> = [];
  // ZeroMQ queues the request until the kernel binds. Its iopub messages may be published before
  // our subscription is live (slow joiner), so wait for the shell reply only.
  await request("kernel_info_request", {}, false);
  rows.push(["kernel_info_reply (kernel ready)", performance.now() - t0, ""]);
  let t = performance.now();
  let r = await request("execute_request", { code: "1 + 1", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  rows.push(["first cell without spark", performance.now() - t, String(r.result)]);
  t = performance.now();
  r = await request("execute_request", { code: "spark.sparkContext.master", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  rows.push(["first `spark` cell (session + workers start)", performance.now() - t, String(r.result)]);
  rows.push(["  kernel start to spark usable", performance.now() - t0, ""]);
  t = performance.now();
  r = await request("execute_request", { code: "await sc.parallelize([1, 2, 3]).map((x) => x * 2).collect()", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  rows.push(["first job (collect)", performance.now() - t, String(r.result)]);
  t = performance.now();
  r = await request("execute_request", { code: "await sc.parallelize([1, 2, 3], 2).map((x) => x + 1).collect()", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  rows.push(["second job (warm)", performance.now() - t, String(r.result)]);
  await request("shutdown_request", { restart: false }, false).catch(() => undefined);

  console.log("bigdata kernel benchmark");
  for (const [what, ms, res] of rows) console.log(`${what.padEnd(46)} ${ms.toFixed(0).padStart(7)} ms  ${res}`);
  await new Promise((res) => { child.once("exit", res); setTimeout(res, 10_000); });
  if (child.exitCode === null) child.kill("SIGKILL");
  shell.close();
  iopub.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
