// `workbench start` (the default front end) against a real JupyterLab 4 from the project-local
// environment built from kernel/python/jupyter-requirements.txt: the bigdata kernel is registered
// in that environment, /lab and Notebook 7's /tree answer with the token, a bigdata kernel starts
// through the server, and Ctrl-C stops everything. The environment is built once (pip) if missing.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeSandbox, WORKBENCH, type Sandbox } from "./helpers/sandbox";
import { alive, pidsMatching, waitUntil } from "./helpers/processes";
import { freePort } from "../../kernel/cli/index";
import { ensureLabEnv, findBasePython, type LabEnv } from "../../kernel/cli/jupyter-lab-env";

let sb: Sandbox;
let lab: LabEnv | undefined;
beforeAll(async () => {
  sb = await makeSandbox();
  if (findBasePython()) lab = ensureLabEnv((m) => console.error(m));
}, 600_000);
afterAll(async () => {
  await sb?.cleanup();
});

describe.skipIf(!findBasePython())("workbench start (JupyterLab 4)", () => {
  it("serves JupyterLab and Notebook 7 with the bigdata kernel from the project environment", async () => {
    expect(lab, "the JupyterLab environment installs from the pins").toBeDefined();
    await writeFile(join(sb.dir, "work", "hello.ipynb"), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
    const port = await freePort();
    const cli = spawn(process.execPath, [WORKBENCH, "start", "--no-browser", "--port", String(port), "--notebook-dir", join(sb.dir, "work")], {
      env: sb.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    cli.stdout.on("data", (b: Buffer) => (out += b.toString()));
    cli.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => cli.on("exit", (code) => r(code)));
    try {
      await waitUntil(() => /lab\?token=[0-9a-f]{48}/.test(out), 90_000, `the URL line in:\n${out}`);
      expect(out).toContain(`Kernel "bigdata" registered in ${lab!.prefix}`);
      const url = out.match(/http:\/\/127\.0\.0\.1:(\d+)\/lab\?token=([0-9a-f]+)/)!;
      expect(Number(url[1])).toBe(port);
      const token = url[2]!;
      const base = `http://127.0.0.1:${port}`;
      const auth = { Authorization: `token ${token}` };

      const specs = (await (await fetch(`${base}/api/kernelspecs`, { headers: auth })).json()) as { kernelspecs: Record<string, unknown> };
      expect(Object.keys(specs.kernelspecs)).toContain("bigdata");
      const labPage = await fetch(`${base}/lab?token=${token}`);
      expect(labPage.status).toBe(200);
      expect(await labPage.text()).toMatch(/JupyterLab/);
      const nb7 = await fetch(`${base}/tree?token=${token}`);
      expect(nb7.status).toBe(200);
      const listing = await fetch(`${base}/api/contents`, { headers: auth });
      expect(((await listing.json()) as { content: Array<{ name: string }> }).content.map((c) => c.name)).toContain("hello.ipynb");
      expect((await fetch(`${base}/api/contents`)).status).toBe(403);
      expect(pidsMatching(token)).toEqual([]);

      const started = await fetch(`${base}/api/kernels`, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ name: "bigdata" }) });
      expect(started.status).toBe(201);

      const servers = pidsMatching(`--port=${port}`);
      expect(servers.length).toBe(1);
      cli.kill("SIGINT");
      expect(await exited).toBe(0);
      await waitUntil(() => servers.every((p) => !alive(p)), 20_000, "JupyterLab to exit");
    } finally {
      if (cli.exitCode === null) cli.kill("SIGKILL");
      for (const p of pidsMatching(`--port=${port}`)) process.kill(p, "SIGKILL");
    }
  }, 180_000);
});
