// The `workbench` command line through its real launcher: help for every command, usage errors
// (exit 2), install-kernel into a prefix, and the worker command's behaviour before/after the
// engine exports runWorker.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { kernelInstallerExists, makeSandbox, type Sandbox } from "./helpers/sandbox";
import { workbench } from "./helpers/processes";
import { COMMANDS } from "../../kernel/cli/index";

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
});
afterAll(async () => {
  await sb?.cleanup();
});

describe("workbench CLI", () => {
  it("prints the command list for --help, and exits 2 with it when no command is given", async () => {
    const help = await workbench(["--help"]);
    expect(help.code).toBe(0);
    for (const c of ["start", "run", "install-kernel", "worker"]) expect(help.stdout).toMatch(new RegExp(`^  ${c} +\\S`, "m"));
    const none = await workbench([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain("Usage: workbench <command>");
  });

  it("runs from any working directory (tsx resolved from the package, not the cwd)", async () => {
    const res = await workbench(["--version"], { cwd: sb.dir });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")).version);
  });

  it.each(COMMANDS.map((c) => c.name))("has --help for %s", async (name) => {
    const res = await workbench([name, "--help"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Usage: workbench ${name}`);
    expect(res.stderr).toBe("");
    // `workbench help NAME` is the same text.
    expect((await workbench(["help", name])).stdout).toBe(res.stdout);
  });

  it("rejects unknown commands and options with exit 2 and the help text", async () => {
    const cmd = await workbench(["frobnicate"]);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('unknown command "frobnicate"');
    const opt = await workbench(["run", "x.ipynb", "--no-such-option"]);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("Usage: workbench run");
    const both = await workbench(["install-kernel", "--user", "--prefix", sb.dir]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("at most one of");
    const timeout = await workbench(["run", "x.ipynb", "--timeout", "soon"]);
    expect(timeout.code).toBe(2);
    const worker = await workbench(["worker", "--driver", "http://x", "--token", "t"]);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain("--driver ws://HOST:PORT is required");
  });

  it("fails clearly on a missing notebook", async () => {
    const res = await workbench(["run", join(sb.dir, "nope.ipynb")]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("nope.ipynb");
  });

  it.skipIf(!kernelInstallerExists())("install-kernel --prefix writes a bigdata kernelspec there", async () => {
    const prefix = join(sb.dir, "kprefix");
    const res = await workbench(["install-kernel", "--prefix", prefix], { env: sb.env });
    expect(res.code, res.stderr).toBe(0);
    const spec = JSON.parse(readFileSync(join(prefix, "share", "jupyter", "kernels", "bigdata", "kernel.json"), "utf8"));
    expect(spec.language).toBe("typescript");
    expect(spec.argv.join(" ")).toContain("{connection_file}");
    expect(existsSync(join(sb.dir, "home", ".local"))).toBe(false);
  });

  it("worker either reaches the engine's runWorker or says it is not there yet", async () => {
    // An unreachable driver: a real worker must fail (not hang); a missing runWorker is reported.
    const res = await workbench(["worker", "--driver", "ws://127.0.0.1:9", "--token", "t"], { env: sb.env, timeoutMs: 120_000 });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/runWorker|connect|ECONNREFUSED|driver/i);
  });
});
