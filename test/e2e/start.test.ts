// `workbench start` against the real classic Notebook server: it comes up on loopback with a
// token, serves the given notebook folder, refuses requests without the token, and a Ctrl-C
// (SIGINT to the CLI) stops Jupyter cleanly with no process left behind.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeSandbox, WORKBENCH, type Sandbox } from "./helpers/sandbox";
import { alive, pidsMatching, waitUntil } from "./helpers/processes";
import { findNotebookServer, freePort } from "../../kernel/cli/index";

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
});
afterAll(async () => {
  await sb?.cleanup();
});

describe.skipIf(!findNotebookServer())("workbench start", () => {
  it("serves the notebook folder with a token and stops cleanly on SIGINT", async () => {
    await writeFile(join(sb.dir, "work", "hello.ipynb"), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
    const port = await freePort();
    const cli = spawn(process.execPath, [WORKBENCH, "start", "--classic", "--no-browser", "--skip-install", "--port", String(port), "--notebook-dir", join(sb.dir, "work")], {
      env: sb.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    cli.stdout.on("data", (b: Buffer) => (out += b.toString()));
    cli.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => cli.on("exit", (code) => r(code)));
    try {
      await waitUntil(() => /token=[0-9a-f]{48}/.test(out), 60_000, `the URL line in:\n${out}`);
      const url = out.match(/http:\/\/127\.0\.0\.1:(\d+)\/tree\?token=([0-9a-f]+)/)!;
      expect(Number(url[1])).toBe(port);
      const token = url[2]!;
      const base = `http://127.0.0.1:${port}`;

      const listing = await fetch(`${base}/api/contents`, { headers: { Authorization: `token ${token}` } });
      expect(listing.status).toBe(200);
      const names = ((await listing.json()) as { content: Array<{ name: string }> }).content.map((c) => c.name);
      expect(names).toContain("hello.ipynb");
      expect((await fetch(`${base}/api/contents`)).status).toBe(403);

      // The token is not on any command line.
      expect(pidsMatching(token)).toEqual([]);
      const servers = pidsMatching(`--port=${port}`);
      expect(servers.length).toBe(1);

      cli.kill("SIGINT");
      expect(await exited).toBe(0);
      await waitUntil(() => servers.every((p) => !alive(p)), 20_000, "Jupyter to exit");
    } finally {
      if (cli.exitCode === null) cli.kill("SIGKILL");
      for (const p of pidsMatching(`--port=${port}`)) process.kill(p, "SIGKILL");
    }
  });
});
