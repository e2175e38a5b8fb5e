// Drives kernels through a REAL Jupyter server (classic Notebook 6) with @jupyterlab/services,
// the client library JupyterLab itself uses: start, execute, display + in-place update messages,
// interrupt a long job, restart, shut down. Run against python3 (harness check) and bigdata.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from "@jupyterlab/services";
import { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox, type Sandbox } from "./helpers/sandbox";
import { startJupyter, type RunningServer } from "./helpers/jupyter-server";
import { BIGDATA, PYTHON, type KernelProfile } from "./helpers/kernel-profiles";
import { findNotebookServer } from "../../kernel/cli/index";
import { alive, waitUntil } from "./helpers/processes";

const haveJupyter = !!findNotebookServer();
const bigdataReady = kernelInstallerExists() && (await engineReady());

let sb: Sandbox;
let server: RunningServer;
let manager: KernelManager;

beforeAll(async () => {
  if (!haveJupyter) return;
  sb = await makeSandbox();
  if (kernelInstallerExists()) await installBigdataKernel(sb);
  server = await startJupyter(sb, `${sb.dir}/work`);
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: server.baseUrl + "/",
    wsUrl: server.baseUrl.replace("http", "ws") + "/",
    token: server.token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    fetch: globalThis.fetch.bind(globalThis),
    Request: globalThis.Request,
    Headers: globalThis.Headers,
  });
  manager = new KernelManager({ serverSettings });
  await manager.ready;
});

afterAll(async () => {
  manager?.dispose();
  await server?.stop();
  await sb?.cleanup();
});

interface Collected {
  reply: KernelMessage.IExecuteReplyMsg;
  iopub: KernelMessage.IIOPubMessage[];
}

async function run(kernel: Kernel.IKernelConnection, code: string): Promise<Collected> {
  const iopub: KernelMessage.IIOPubMessage[] = [];
  const future = kernel.requestExecute({ code, stop_on_error: false });
  future.onIOPub = (m) => void iopub.push(m);
  const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
  return { reply, iopub };
}

function scenario(profile: KernelProfile) {
  let kernel: Kernel.IKernelConnection;

  it("starts a kernel and executes a cell with an execute_result", async () => {
    kernel = await manager.startNew({ name: profile.name });
    const info = await kernel.info;
    expect(info.language_info.name).toBe(profile.language);
    const r = await run(kernel, profile.value);
    expect(r.reply.content.status).toBe("ok");
    const result = r.iopub.find((m) => m.header.msg_type === "execute_result") as KernelMessage.IExecuteResultMsg;
    expect(result.content.data["text/plain"]).toBe(profile.expectedValue);
  });

  it("sends display_data then update_display_data with the same display id", async () => {
    const r = await run(kernel, profile.displayThenUpdate);
    expect(r.reply.content.status).toBe("ok");
    const shown = r.iopub.find((m) => m.header.msg_type === "display_data") as KernelMessage.IDisplayDataMsg;
    const updated = r.iopub.find((m) => m.header.msg_type === "update_display_data") as KernelMessage.IUpdateDisplayDataMsg;
    expect(String(shown.content.data["text/plain"])).toContain("v1");
    expect(String(updated.content.data["text/plain"])).toContain("v2");
    const id = (shown.content.transient as { display_id?: string } | undefined)?.display_id;
    expect(id).toBeTruthy();
    expect((updated.content.transient as { display_id: string }).display_id).toBe(id);
  });

  it("reports an error with ename, evalue and traceback", async () => {
    const r = await run(kernel, profile.failing);
    expect(r.reply.content.status).toBe("error");
    const err = r.iopub.find((m) => m.header.msg_type === "error") as KernelMessage.IErrorMsg;
    expect(err.content.ename).toMatch(profile.errorName);
    expect(err.content.evalue).toMatch(profile.errorValue);
    expect(err.content.traceback.length).toBeGreaterThan(0);
  });

  it("interrupts a long-running cell and stays usable", async () => {
    const future = kernel.requestExecute({ code: profile.longRunning });
    // Interrupt once the cell is really running (the kernel went busy for it).
    await new Promise<void>((resolve) => {
      future.onIOPub = (m) => {
        if (m.header.msg_type === "execute_input") setTimeout(resolve, 1_500);
      };
    });
    await kernel.interrupt();
    const reply = (await future.done.catch((e: unknown) => e)) as KernelMessage.IExecuteReplyMsg;
    expect(reply.content.status).toBe("error");
    const after = await run(kernel, profile.stillAlive);
    const out = after.iopub.filter((m) => m.header.msg_type === "stream").map((m) => (m as KernelMessage.IStreamMsg).content.text).join("");
    expect(out.trim()).toBe("alive");
  });

  it("restarts with fresh state", async () => {
    await run(kernel, profile.setMarker);
    const before = await run(kernel, profile.readMarker);
    expect(streamText(before).trim().toLowerCase()).toBe("true");
    await kernel.restart();
    const after = await run(kernel, profile.readMarker);
    expect(streamText(after).trim().toLowerCase()).toBe("false");
  });

  it("shuts down", async () => {
    const id = kernel.id;
    await kernel.shutdown();
    const list = await (await fetch(`${server.baseUrl}/api/kernels?token=${server.token}`)).json() as Array<{ id: string }>;
    expect(list.map((k) => k.id)).not.toContain(id);
  });

}

function streamText(c: Collected): string {
  return c.iopub.filter((m) => m.header.msg_type === "stream").map((m) => (m as KernelMessage.IStreamMsg).content.text).join("");
}

describe.skipIf(!haveJupyter)("Jupyter server + @jupyterlab/services: python3 reference kernel", () => {
  scenario(PYTHON);
});

describe.skipIf(!haveJupyter || !bigdataReady)("Jupyter server + @jupyterlab/services: bigdata kernel", () => {
  scenario(BIGDATA);

  it("shows a live progress panel for a job (display_data then updates under one display id)", async () => {
    const kernel = await manager.startNew({ name: "bigdata" });
    try {
      const r = await run(kernel, "await sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 4).map((x) => [x % 3, x] as [number, number]).reduceByKey((a, b) => a + b).collect()");
      expect(r.reply.content.status).toBe("ok");
      const shown = r.iopub.filter((m) => m.header.msg_type === "display_data") as KernelMessage.IDisplayDataMsg[];
      const ids = shown.map((m) => (m.content.transient as { display_id?: string } | undefined)?.display_id).filter(Boolean);
      expect(ids.length).toBeGreaterThan(0);
      const updates = r.iopub.filter((m) => m.header.msg_type === "update_display_data") as KernelMessage.IUpdateDisplayDataMsg[];
      expect(updates.length).toBeGreaterThan(0);
      expect(updates.every((u) => ids.includes((u.content.transient as { display_id: string }).display_id))).toBe(true);
      expect(Object.keys(updates[updates.length - 1]!.content.data)).toContain("text/html");
    } finally {
      await kernel.shutdown();
    }
  });

  it("restart and shutdown stop the session's worker processes (checked by pid)", async () => {
    const kernel = await manager.startNew({ name: "bigdata" });
    const workerPids = async () => {
      const r = await run(kernel, "console.log(JSON.stringify(spark.cluster.workers().map((w) => w.pid)))");
      expect(r.reply.content.status).toBe("ok");
      return JSON.parse(streamText(r)) as number[];
    };
    try {
      const first = await workerPids();
      expect(first.length).toBeGreaterThan(0);
      expect(first.every(alive)).toBe(true);
      await kernel.restart();
      await waitUntil(() => first.every((p) => !alive(p)), 30_000, "workers to stop after restart");
      const second = await workerPids();
      expect(second.some((p) => first.includes(p))).toBe(false);
      await kernel.shutdown();
      await waitUntil(() => second.every((p) => !alive(p)), 30_000, "workers to stop after shutdown");
    } finally {
      if (!kernel.isDisposed) await kernel.shutdown().catch(() => undefined);
    }
  });
});
