// The bigdata kernel with its notebook session on real Spark through Spark Connect:
// configure({ remote }), show() and the rich table from the server, sc refused, and the kernel's
// interrupt reaching the running operation (test/kernel/remote_checks.py via jupyter_client).

import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectAllOk, makeKernelEnv, runPython, PYTHON, type KernelEnv } from "../kernel/kernel-env";
import { javaMissing, startConnectServer, type ConnectServer } from "./connect-server";

const noJava = javaMissing();
const hasClient = existsSync(PYTHON) && existsSync("/usr/lib/python3/dist-packages/jupyter_client/__init__.py");
if (noJava) console.log(`Spark Connect kernel test skipped: ${noJava}`);

describe.skipIf(!!noJava || !hasClient)("a notebook on Spark Connect", () => {
  let server: ConnectServer | undefined;
  let k: KernelEnv | undefined;
  beforeAll(async () => {
    [server, k] = await Promise.all([startConnectServer(), makeKernelEnv()]);
  }, 300_000);
  afterAll(async () => { k?.cleanup(); await server?.stop(); });

  it("configure({ remote }): show, rich tables, sc refused, interrupt", async () => {
    const r = await runPython({ ...k!, env: { ...k!.env, BDW_CONNECT_URL: server!.url } }, ["-m", "unittest", "-v", "remote_checks"]);
    expectAllOk(r, ["test_1_configure_remote", "test_2_show_runs_on_the_server", "test_3_rich_table", "test_4_rdd_api_is_refused", "test_5_interrupt_reaches_the_server"]);
  }, 600_000);
});
