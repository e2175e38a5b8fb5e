// Small network helpers for commands that run servers: a free port at or above a preferred
// one, and polling an HTTP endpoint until it answers.

import { createServer } from "node:net";

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export async function freePortFrom(start: number, host = "127.0.0.1", tries = 100): Promise<number> {
  for (let p = start; p < start + tries; p++) if (await isFree(p, host)) return p;
  throw new Error(`no free port in ${start}-${start + tries - 1}`);
}

/** Polls `url` with the Jupyter token until it returns 2xx; false after `timeoutMs`. */
export async function waitForServer(url: string, token: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { headers: { Authorization: `token ${token}` } });
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
