// `workbench start`: makes sure Jupyter is installed, registers the kernel, and runs JupyterLab
// (or the classic Notebook server) on loopback with a fresh token and the package's notebooks/ as
// its root. It says what it is doing step by step, keeps Jupyter's own chatter in a log file (shown
// when Jupyter fails; inline with --verbose), prints one URL last once the server answers, and
// stops the server cleanly on SIGINT/SIGTERM/SIGHUP.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { ensureNotebookServer } from "../jupyter-env";
import { ensureLabEnv, writeLabOverrides } from "../jupyter-lab-env";
import { ensureLabExtension } from "../lab-extension";
import { NOTEBOOKS_DIR, PACKAGE_ROOT } from "../package-paths";
import { installKernelSpec } from "../../install";

/** Where `--classic` registers the kernel: inside the checkout. */
const CLASSIC_PREFIX = join(PACKAGE_ROOT, ".jupyter-classic");
import { freePortFrom, waitForServer } from "../server-util";
import { int, parse, UsageError, type Command } from "./command";

export const startCommand: Command = {
  name: "start",
  summary: "start Jupyter with the bigdata kernel on the course notebooks",
  help: `Usage: workbench start [--classic] [--remote sc://HOST:PORT] [--port P] [--no-browser] [--notebook-dir DIR]

Starts JupyterLab 4 (Notebook 7 at /tree) on 127.0.0.1 with a fresh access token, the bigdata
kernel registered, and the course notebooks as its root, then prints the URL to open. Ctrl-C
stops it. JupyterLab runs from a project-local virtual environment (.jupyter-venv/) that is
created with pip from the exact pins in kernel/python/jupyter-requirements.txt when missing
(needs Python >= 3.9 and PyPI once). With --classic, or when that install fails, it serves the
classic Notebook 6 instead, installed with apt on Debian when run as root.

Options:
  --classic           serve the classic Notebook 6 (Debian's jupyter-notebook) instead of JupyterLab
  --remote URL        every notebook's spark runs on this Spark Connect server
                      (sc://host:15002/;token=...; the kernels get it as SPARK_REMOTE)
  --port P            port to listen on (default: the first free port from 8888)
  --no-browser        do not open a web browser
  --notebook-dir DIR  root folder shown in Jupyter (default: the package's notebooks/)
  --skip-install      do not (re)register the kernelspec
  --verbose           show Jupyter's own log lines here instead of only in the log file
  -h, --help          show this help`,
  async run(args) {
    const { values, positionals } = parse(args, {
      classic: { type: "boolean" },
      remote: { type: "string" },
      port: { type: "string", short: "p" },
      "no-browser": { type: "boolean" },
      "notebook-dir": { type: "string" },
      "skip-install": { type: "boolean" },
      verbose: { type: "boolean" },
    });
    if (values.help) return console.log(this.help), 0;
    if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const explicitPort = int(values.port, "--port", 1);
    const remote = values.remote as string | undefined;
    if (remote !== undefined) await checkRemote(remote);
    const root = resolve(values["notebook-dir"] ?? NOTEBOOKS_DIR);
    if (!existsSync(root)) throw new UsageError(`notebook folder ${root} does not exist`);

    const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
    const step = (m: string) => console.log(`workbench start: ${m}`);
    if (!values.classic) step("checking JupyterLab 4 in the project's .jupyter-venv/ (installed with pip the first time, about a minute)");
    const lab = values.classic ? undefined : ensureLabEnv((m) => console.error(m));
    if (!values.classic && !lab) console.error("Falling back to the classic Notebook 6 (workbench start --classic).");
    const server = lab ? { argv: [lab.lab], found: lab.lab } : ensureNotebookServer((s) => console.error(s));
    if (!server) return 1;
    if (lab) {
      writeLabOverrides(lab);
      step("checking the bigdata-workbench-mime JupyterLab extension (built once from extensions/bigdata-mime)");
      if (!ensureLabExtension(lab, (m) => console.error(m))) {
        console.error("The bigdata-workbench-mime extension is not installed; outputs use their HTML/SVG fallbacks.");
      }
    }

    // The kernel is registered per checkout, never machine-wide (a second clone must not run the
    // first clone's kernel): JupyterLab's own environment (sys.prefix, where it looks first), or for
    // the classic Notebook a project-local prefix put first on the server's JUPYTER_PATH.
    const kernelPrefix = lab ? lab.prefix : CLASSIC_PREFIX;
    if (!values["skip-install"]) {
      const { path } = await installKernelSpec({ prefix: kernelPrefix });
      console.log(`Kernel "bigdata" registered in ${path}`);
    }

    const port = explicitPort ?? (await freePortFrom(8888));
    const token = randomBytes(24).toString("hex");
    // A taken port must fail loudly: Jupyter would otherwise move on and our URL would be wrong.
    const app = lab ? "ServerApp" : "NotebookApp";
    const argv = [
      ...server.argv.slice(1),
      "--ip=127.0.0.1",
      `--port=${port}`,
      `--${app}.port_retries=0`,
      `--notebook-dir=${root}`,
      ...(values["no-browser"] ? ["--no-browser"] : []),
      ...(isRoot ? ["--allow-root"] : []),
    ];
    // Jupyter's own lines (its URL without the token, access logs, Python debugger warnings) go to
    // a log file; ours is the one URL to open.
    const logDir = join(tmpdir(), "bigdata-workbench");
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, `jupyter-${port}.log`);
    const logFd = values.verbose ? undefined : openSync(logFile, "w");
    step(`starting ${lab ? "JupyterLab" : "the classic Notebook server"} on 127.0.0.1:${port} (${values.verbose ? "its log follows" : `its log: ${logFile}`})`);
    // The token goes through the environment, not argv, so it does not show up in `ps`.
    const child = spawn(server.argv[0]!, argv, {
      // JupyterLab's own environment first on PATH, so the kernels it starts see its Python.
      env: {
        ...process.env,
        JUPYTER_TOKEN: token,
        ...(remote ? { SPARK_REMOTE: remote } : {}),
        // debugpy's "frozen modules" warning says nothing a student can act on.
        PYDEVD_DISABLE_FILE_VALIDATION: "1",
        ...(lab
          ? { PATH: `${lab.prefix}/bin:${process.env.PATH ?? ""}`, VIRTUAL_ENV: lab.prefix }
          : { JUPYTER_PATH: [join(CLASSIC_PREFIX, "share", "jupyter"), process.env.JUPYTER_PATH].filter(Boolean).join(delimiter) }),
      },
      stdio: ["ignore", logFd ?? "inherit", logFd ?? "inherit"],
      // Own process group: a terminal Ctrl-C reaches only us, and we stop Jupyter with SIGTERM
      // (classic Notebook asks "Shutdown this notebook server (y/[n])?" on SIGINT).
      detached: true,
    });
    if (logFd !== undefined) closeSync(logFd); // the child has its own copy
    const exited = new Promise<number>((res) => child.on("exit", (code, sig) => res(code ?? (sig ? 128 + 15 : 1))));
    child.on("error", (e) => console.error(`cannot start ${server.found}: ${e.message}`));

    let stopping = false;
    const stop = (sig: NodeJS.Signals) => {
      if (stopping) {
        try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ }
        return;
      }
      stopping = true;
      console.error(`\nworkbench start: ${sig}, stopping Jupyter`);
      try { process.kill(child.pid!, "SIGTERM"); } catch { /* gone */ }
      setTimeout(() => { try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ } }, 15_000).unref();
    };
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    for (const s of signals) process.on(s, stop);
    const reapOnExit = () => { try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ } };
    process.once("exit", reapOnExit);
    try {
      const base = `http://127.0.0.1:${port}`;
      const ready = await Promise.race([waitForServer(`${base}/api/status`, token, 60_000), exited.then(() => false)]);
      if (ready) {
        console.log(`\nBig Data Workbench is running. Open:\n\n    ${base}/${lab ? "lab" : "tree"}?token=${token}\n\nPress Ctrl-C to stop.`);
      } else if (!stopping) {
        if (values.verbose) console.error("Jupyter did not come up (see its messages above)");
        else {
          const tail = readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-40).join("\n");
          console.error(`Jupyter did not come up. The end of its log (${logFile}):\n${tail}`);
        }
      }
      const code = await exited;
      return stopping ? 0 : code;
    } finally {
      for (const s of signals) process.removeListener(s, stop);
      process.removeListener("exit", reapOnExit);
      // Kernels Jupyter started live in its group; make sure none outlive it.
      try { process.kill(-child.pid!, "SIGTERM"); } catch { /* gone */ }
    }
  },
};

/** A bad sc:// string fails here, before Jupyter starts (the engine's own parser says what is wrong). */
export async function checkRemote(url: string): Promise<void> {
  const { parseConnectionString } = await import("../../../engine/index");
  try {
    parseConnectionString(url);
  } catch (e) {
    throw new UsageError(`--remote: ${(e as Error).message}`);
  }
}
