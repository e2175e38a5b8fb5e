// The README's start command end to end: `npm start` runs `workbench start` without
// --skip-install, in a sandbox (temp HOME and Jupyter folders). Jupyter is installed here, so the
// apt step must find it and install nothing; the kernel gets registered in the checkout's own
// prefix (.jupyter-classic/); the server lists the course notebooks and the bigdata kernelspec through its REST API
// with the printed token; a kernel started through the API runs; and a terminal Ctrl-C (SIGINT to
// npm's process group) stops everything: no Jupyter, kernel or worker process is left.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, ROOT, type Sandbox } from "./helpers/sandbox";
import { alive, descendants, waitUntil } from "./helpers/processes";
import { findNotebookServer, freePort } from "../../kernel/cli/index";

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
});
afterAll(async () => {
  await sb?.cleanup();
});

function cmdline(pid: number): string {
  try { return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "); } catch { return ""; }
}

describe.skipIf(!findNotebookServer())("npm start (workbench start with the kernel install)", () => {
  it("registers the kernel, serves the course notebooks, and leaves nothing behind on Ctrl-C", async () => {
    const port = await freePort();
    const npm = spawn("npm", ["start", "--", "--classic", "--no-browser", "--port", String(port)], {
      cwd: ROOT,
      env: sb.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, as a terminal's foreground job: Ctrl-C goes to the whole group.
      detached: true,
    });
    let out = "";
    npm.stdout.on("data", (b: Buffer) => (out += b.toString()));
    npm.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => npm.on("exit", (code) => r(code)));
    let seen: number[] = [];
    try {
      // Registering the kernel may emit the engine's declarations first (slow on a busy machine).
      await waitUntil(() => /token=[0-9a-f]{48}/.test(out), 240_000, `the URL line in:\n${out}`);
      expect(out).not.toMatch(/installing Debian packages|apt-get/);
      // per checkout: the project's own prefix, not the user's or the machine's Jupyter folders
      const kernelDir = join(ROOT, ".jupyter-classic", "share", "jupyter", "kernels", "bigdata");
      expect(out).toContain(`Kernel "bigdata" registered in ${kernelDir}`);
      const spec = JSON.parse(readFileSync(join(kernelDir, "kernel.json"), "utf8")) as { argv: string[] };
      expect(spec.argv).toContain(join(ROOT, "kernel", "boot.mjs"));

      const url = out.match(/http:\/\/127\.0\.0\.1:(\d+)\/tree\?token=([0-9a-f]+)/)!;
      expect(Number(url[1])).toBe(port);
      const base = `http://127.0.0.1:${port}`;
      const auth = { Authorization: `token ${url[2]}` };

      const specs = (await (await fetch(`${base}/api/kernelspecs`, { headers: auth })).json()) as { kernelspecs: Record<string, { resource_dir?: string }> };
      expect(Object.keys(specs.kernelspecs)).toContain("bigdata");
      const listing = await fetch(`${base}/api/contents`, { headers: auth });
      expect(listing.status).toBe(200);
      const names = ((await listing.json()) as { content: Array<{ name: string }> }).content.map((c) => c.name);
      expect(names).toContain("L06-spark-basics.ipynb");
      expect(existsSync(join(ROOT, "notebooks", "L06-spark-basics.ipynb"))).toBe(true);

      // A bigdata kernel started through the server (it starts its workers speculatively).
      const started = await fetch(`${base}/api/kernels`, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ name: "bigdata" }) });
      expect(started.status).toBe(201);
      await waitUntil(() => descendants(npm.pid!).some((p) => cmdline(p).includes("kernel/boot.mjs")), 120_000, "the kernel process");
      await waitUntil(() => descendants(npm.pid!).filter((p) => cmdline(p).includes("worker-entry")).length === 2, 120_000, "the kernel's two local workers");
      seen = descendants(npm.pid!);

      process.kill(-npm.pid!, "SIGINT");
      await exited;
      expect(out).toContain("stopping Jupyter");
      seen = [...new Set([...seen, ...descendants(npm.pid!)])];
      await waitUntil(() => seen.every((p) => !alive(p)), 30_000, `every process of the server to exit: ${seen.filter(alive).map((p) => `${p} ${cmdline(p)}`).join("\n")}`);
    } finally {
      for (const p of [...seen, ...descendants(npm.pid!)]) if (alive(p)) try { process.kill(p, "SIGKILL"); } catch { /* gone */ }
      if (npm.exitCode === null) try { process.kill(-npm.pid!, "SIGKILL"); } catch { /* gone */ }
    }
  }, 400_000);
});
