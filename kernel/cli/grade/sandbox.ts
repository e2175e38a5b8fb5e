// Keeps a submission's kernel away from what it must not touch. As root on Linux, each submission's
// kernel runs as its own unprivileged user (uid 61000 + slot), owns only its working directory,
// and, when mount namespaces are available, runs in a private one where the bundle, the
// submissions folder and the results are covered (an empty tmpfs over folders, /dev/null over
// files). Elsewhere grading still works, unsandboxed, and says so.

import { spawnSync } from "node:child_process";
import { chmod, chown, mkdir, readdir } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Sandbox {
  level: "none" | "user" | "user+namespace";
  /** Why the sandbox is weaker than user+namespace. */
  reason?: string;
  /** The kernel's user: it owns the working directory and the connection file. */
  user?: { uid: number; gid: number };
  /** Start the kernel as that user (false when the wrapper drops privileges itself). */
  spawnAsUser: boolean;
  /** Where the kernel's connection file goes (readable by the kernel's user). */
  runtimeDir: string;
  env(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  wrap?: (argv: string[]) => string[];
}

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const FIRST_UID = 61000;

let probed: { userOk: boolean; nsOk: boolean; why?: string } | undefined;

function probe(): { userOk: boolean; nsOk: boolean; why?: string } {
  if (probed) return probed;
  if (process.platform !== "linux" || process.getuid?.() !== 0) return (probed = { userOk: false, nsOk: false, why: "grading is not running as root on Linux" });
  const check = [join(PACKAGE_ROOT, "package.json"), join(PACKAGE_ROOT, "kernel", "main.ts"), process.execPath];
  const r = spawnSync(process.execPath, ["-e", `for (const p of ${JSON.stringify(check)}) require("fs").accessSync(p, require("fs").constants.R_OK)`], { uid: FIRST_UID, gid: FIRST_UID, stdio: "ignore", timeout: 20_000 });
  if (r.status !== 0) return (probed = { userOk: false, nsOk: false, why: `another user cannot read the workbench at ${PACKAGE_ROOT} (or node at ${process.execPath})` });
  const ns = spawnSync("unshare", ["--mount", "--propagation", "private", "--", "setpriv", "--reuid", String(FIRST_UID), "--regid", String(FIRST_UID), "--clear-groups", "--", "true"], { stdio: "ignore", timeout: 20_000 });
  return (probed = { userOk: true, nsOk: ns.status === 0, why: ns.status === 0 ? undefined : "mount namespaces (unshare, setpriv) are not available" });
}

function isAncestor(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && rel !== "..");
}

async function chownTree(path: string, uid: number): Promise<void> {
  await chown(path, uid, uid);
  for (const e of await readdir(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) await chownTree(p, uid);
    else await chown(p, uid, uid);
  }
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The sandbox of one submission's kernel; `slot` tells concurrent submissions apart. */
export async function sandboxFor(o: { workdir: string; hide: string[]; slot: number }): Promise<Sandbox> {
  const runtimeDir = join(o.workdir, ".runtime");
  const tmp = join(o.workdir, ".tmp");
  await mkdir(runtimeDir, { recursive: true });
  await mkdir(tmp, { recursive: true });
  const env = (base: NodeJS.ProcessEnv) => ({ ...base, TMPDIR: tmp, HOME: o.workdir, JUPYTER_RUNTIME_DIR: runtimeDir });
  const p = probe();
  if (!p.userOk) return { level: "none", reason: p.why, runtimeDir, env, spawnAsUser: false };
  const uid = FIRST_UID + o.slot;
  await chownTree(o.workdir, uid);
  await chmod(o.workdir, 0o700);
  if (!p.nsOk) return { level: "user", reason: p.why, user: { uid, gid: uid }, spawnAsUser: true, runtimeDir, env };
  const keep = [PACKAGE_ROOT, o.workdir, process.execPath];
  const mounts: string[] = [];
  for (const h of o.hide.map((x) => resolve(x))) {
    let isDir: boolean;
    try {
      isDir = statSync(h).isDirectory();
    } catch {
      continue;
    }
    if (!isDir) mounts.push(`mount --bind /dev/null ${sh(h)}`);
    else if (!keep.some((k) => isAncestor(h, k))) mounts.push(`mount -t tmpfs -o size=64k,mode=0755 bdw-hidden ${sh(h)}`);
  }
  const script = [...mounts, `exec setpriv --reuid ${uid} --regid ${uid} --clear-groups -- "$@"`].join(" && ");
  return {
    level: "user+namespace",
    runtimeDir,
    env,
    user: { uid, gid: uid },
    spawnAsUser: false,
    wrap: (argv) => ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh", ...argv],
  };
}
