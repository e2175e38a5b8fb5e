// `workbench worker` joins a real driver (a session with master "driver" and no local workers):
// it registers with the URL and token, runs the job's tasks, and exits when the driver stops.
// A wrong token is refused.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { engineReady, makeSandbox, WORKBENCH, type Sandbox } from "./helpers/sandbox";
import { alive, waitUntil, workbench } from "./helpers/processes";

const ready = await engineReady();
let sb: Sandbox;
const started: ChildProcess[] = [];

beforeAll(async () => {
  sb = await makeSandbox();
});
afterAll(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await sb?.cleanup();
});

function spawnLogged(cmd: string, args: string[]) {
  const child = spawn(cmd, args, { env: sb.env, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  const io = { out: "", err: "" };
  child.stdout!.on("data", (b: Buffer) => (io.out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (io.err += b.toString()));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, io, exited };
}

const lines = (s: string) => s.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, any>);

describe.skipIf(!ready)("workbench worker", () => {
  it("joins a driver, runs its tasks, and exits when the driver stops", async () => {
    const driver = spawnLogged(process.execPath, ["--import", "tsx", join(__dirname, "helpers", "external-driver.ts")]);
    await waitUntil(() => lines(driver.io.out).length > 0 || driver.child.exitCode !== null, 120_000, "the driver URL");
    const { driverUrl, token } = lines(driver.io.out)[0]!;
    expect(driverUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);

    const worker = spawnLogged(process.execPath, [WORKBENCH, "worker", "--driver", driverUrl, "--token", token, "--cores", "2"]);
    expect(await driver.exited, driver.io.err).toBe(0);
    const [, ran, stopped] = lines(driver.io.out);
    expect(ran!.result).toEqual([10, 20, 30, 40]);
    expect(ran!.worker.slots).toBe(2);
    expect(ran!.ranOn).toEqual([ran!.worker.id]);
    expect(stopped).toEqual({ stopped: true });
    // The worker leaves once its driver is gone, and its process (the one that registered) too.
    await worker.exited;
    await waitUntil(() => !alive(ran!.worker.pid), 20_000, "the worker process to exit");
  });

  it("is refused with a wrong token", async () => {
    const driver = spawnLogged(process.execPath, ["--import", "tsx", join(__dirname, "helpers", "external-driver.ts")]);
    try {
      await waitUntil(() => lines(driver.io.out).length > 0, 120_000, "the driver URL");
      const { driverUrl } = lines(driver.io.out)[0]!;
      const res = await workbench(["worker", "--driver", driverUrl, "--token", "not-the-token"], { env: sb.env, timeoutMs: 60_000 });
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/token|auth|refused|rejected|401|403/i);
    } finally {
      driver.child.kill("SIGTERM");
    }
  });
});
