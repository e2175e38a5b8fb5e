// Keeps a submission's kernel away from what it must not touch. As root on Linux, each submission's
// kernel runs as its own unprivileged user (uid 61000 + slot), owns only its working directory,
// and, when mount namespaces are available, runs in a private one where the checkout is
// bind-mounted on a folder that user can enter, and the bundle, the submissions folder and the
// results are covered (an empty tmpfs over folders, /dev/null over files). Elsewhere grading
// still works, unsandboxed, and says so.

import { spawnSync } from "node:child_process";
import { chmod, chown, mkdir, readdir } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { chmodSync, mkdtempSync, rmdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

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

interface Probe {
  userOk: boolean;
  nsOk: boolean;
  why?: string;
}

let probed: Probe | undefined;
let packageMount: string | undefined;

/**
 * Where the kernel's user sees the workbench: a world-traversable empty folder the checkout is
 * bind-mounted on inside each kernel's namespace, so a checkout under /root (mode 0700) works too.
 */
function mountPoint(): string {
  if (!packageMount) {
    packageMount = mkdtempSync(join(tmpdir(), "bdw-pkg-"));
    chmodSync(packageMount, 0o755);
    process.once("exit", () => { try { rmdirSync(packageMount!); } catch { /* still mounted elsewhere or gone */ } });
  }
  return packageMount;
}

const readable = (root: string) => [join(root, "package.json"), join(root, "kernel", "main.ts")];
const accessScript = (paths: string[]) => `for (const p of ${JSON.stringify(paths)}) require("fs").accessSync(p, require("fs").constants.R_OK)`;

function probe(): Probe {
  if (probed) return probed;
  if (process.platform !== "linux" || process.getuid?.() !== 0) return (probed = { userOk: false, nsOk: false, why: "grading is not running as root on Linux" });
  const mnt = mountPoint();
  const ns = spawnSync("unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c",
    `mount --bind ${sh(PACKAGE_ROOT)} ${sh(mnt)} && exec setpriv --reuid ${FIRST_UID} --regid ${FIRST_UID} --clear-groups -- "$@"`, "sh",
    process.execPath, "-e", accessScript([...readable(mnt), process.execPath])], { stdio: "ignore", timeout: 30_000 });
  if (ns.status === 0) return (probed = { userOk: true, nsOk: true });
  const direct = spawnSync(process.execPath, ["-e", accessScript([...readable(PACKAGE_ROOT), process.execPath])], { uid: FIRST_UID, gid: FIRST_UID, stdio: "ignore", timeout: 20_000 });
  if (direct.status !== 0) return (probed = { userOk: false, nsOk: false, why: `mount namespaces (unshare, setpriv) are not available and another user cannot read the workbench at ${PACKAGE_ROOT} (or node at ${process.execPath})` });
  return (probed = { userOk: true, nsOk: false, why: "mount namespaces (unshare, setpriv) are not available" });
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
  const mnt = mountPoint();
  const keep = [mnt, o.workdir, process.execPath];
  // The checkout first (its path may be under a folder the kernel's user cannot enter), then the
  // covers: an empty tmpfs over hidden folders, /dev/null over hidden files.
  const mounts: string[] = [`mount --bind ${sh(PACKAGE_ROOT)} ${sh(mnt)}`];
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
  const fileUrl = pathToFileURL(PACKAGE_ROOT).href;
  const moved = (a: string) => (a.startsWith(PACKAGE_ROOT + sep) ? mnt + a.slice(PACKAGE_ROOT.length) : a.startsWith(fileUrl + "/") ? pathToFileURL(mnt).href + a.slice(fileUrl.length) : a);
  // Paths into the checkout in the environment (tsx's TSX_TSCONFIG_PATH, ...) point at the mount too.
  const movedEnv = (base: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env(base)).map(([k, v]) => [k, v?.split(PACKAGE_ROOT + sep).join(mnt + sep).replace(new RegExp(`^${PACKAGE_ROOT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`), mnt)]));
  return {
    level: "user+namespace",
    runtimeDir,
    env: movedEnv,
    user: { uid, gid: uid },
    spawnAsUser: false,
    wrap: (argv) => ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh", ...argv.map(moved)],
  };
}
