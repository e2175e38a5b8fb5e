// `workbench worker` joins a real driver (a session with master "driver" and no local workers):
// it registers with the URL and token, runs the job's tasks, and exits when the driver stops.
// The token comes from WORKBENCH_TOKEN (never on the command line); a wrong token is refused
// because the worker cannot prove it, and --token warns that `ps` shows it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
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

function spawnLogged(cmd: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(cmd, args, { env: { ...sb.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
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

    const worker = spawnLogged(process.execPath, [WORKBENCH, "worker", "--driver", driverUrl, "--cores", "2"], { WORKBENCH_TOKEN: token });
    expect(await driver.exited, driver.io.err).toBe(0);
    const [, ran, stopped] = lines(driver.io.out);
    expect(ran!.result).toEqual([10, 20, 30, 40]);
    expect(ran!.worker.slots).toBe(2);
    expect(ran!.ranOn).toEqual([ran!.worker.id]);
    expect(stopped).toEqual({ stopped: true });
    // The worker leaves once its driver is gone, and its process (the one that registered) too.
    await worker.exited;
    await waitUntil(() => !alive(ran!.worker.pid), 20_000, "the worker process to exit");
    expect(worker.io.err).not.toMatch(/warning: --token/);
  });

  it("is refused with a wrong token", async () => {
    const driver = spawnLogged(process.execPath, ["--import", "tsx", join(__dirname, "helpers", "external-driver.ts")]);
    try {
      await waitUntil(() => lines(driver.io.out).length > 0, 120_000, "the driver URL");
      const { driverUrl } = lines(driver.io.out)[0]!;
      const file = join(sb.dir, "wrong-token.txt");
      writeFileSync(file, "not-the-token\n");
      const res = await workbench(["worker", "--driver", driverUrl, "--token-file", file], { env: sb.env, timeoutMs: 60_000 });
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/could not prove the session secret/);
      expect(res.stderr).not.toMatch(/not-the-token/);
      // --token still works the old way but warns that the secret shows in `ps`.
      const flagged = await workbench(["worker", "--driver", driverUrl, "--token", "not-the-token"], { env: sb.env, timeoutMs: 60_000 });
      expect(flagged.code).not.toBe(0);
      expect(flagged.stderr).toMatch(/warning: --token puts the session secret on the command line/);
      // No token at all: a usage error naming both ways to give one.
      const none = await workbench(["worker", "--driver", driverUrl], { env: { ...sb.env, WORKBENCH_TOKEN: "" }, timeoutMs: 60_000 });
      expect(none.code).not.toBe(0);
      expect(none.stderr).toMatch(/WORKBENCH_TOKEN.*--token-file/);
    } finally {
      driver.child.kill("SIGTERM");
    }
  });
});
