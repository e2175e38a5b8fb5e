// `workbench run`: executes a notebook headless through its kernel over the Jupyter protocol
// (our own ZeroMQ client, no Python) and writes the executed copy. Exit 0 when every cell ran,
// 1 on a cell error, a timeout or a dead kernel (the error is printed), 2 on bad usage.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { executeNotebook, findKernelSpec, KernelProcess, KernelSpecNotFound, readNotebook, writeNotebook, formatNotebook, sourceText, type KernelSpec, type Output } from "../run/index";
import { installKernelSpec } from "../../install";
import { signNotebook } from "../run/trust";
import { num, parse, UsageError, type Command } from "./command";
import { checkRemote } from "./start";

/** Cells that need the embedded cluster (the RDD API, workers, MemoryStream, ML); --remote skips them. */
export const EMBEDDED_ONLY_TAG = "embedded-only";

export const DEFAULT_TIMEOUT_S = 600;

export const runCommand: Command = {
  name: "run",
  summary: "execute a notebook headless and save its outputs",
  help: `Usage: workbench run NOTEBOOK [--output OUT | --inplace] [--timeout S] [--remote URL] [options]

Runs every code cell of NOTEBOOK in order in its kernel (the notebook's kernelspec, "bigdata"
by default) and writes the notebook with its outputs. Stops at the first failing cell, prints
its error and exits 1. A cell tagged "raises-exception" may fail without stopping the run.

Options:
  --output OUT     where to write the executed notebook; "-" writes it to stdout
                   (default: NOTEBOOK with .ipynb replaced by .out.ipynb, beside it, so the
                   source notebook stays clean)
  --inplace        overwrite NOTEBOOK with the executed version
  --timeout S      per-cell limit in seconds; a cell over it is interrupted and the run fails
                   (default: ${DEFAULT_TIMEOUT_S}; 0 means no limit)
  --kernel NAME    kernelspec to use instead of the notebook's own
  --cwd DIR        working directory of the kernel (default: the notebook's folder)
  --remote URL     run \`spark\` on this Spark Connect server (sc://HOST:PORT/;token=...; the
                   kernel's SPARK_REMOTE); cells tagged "${EMBEDDED_ONLY_TAG}" (the RDD API,
                   the embedded cluster's workers, MemoryStream, ML) are skipped and say so, and
                   a notebook whose metadata says bigdata.embedded_only is not run (exit 0)
  --allow-errors   run all cells even after an error (still exits 1)
  --no-trust       do not sign the executed notebook (by default it is signed in your Jupyter
                   trust database, as \`jupyter trust\` would, so Jupyter opens it trusted)
  --quiet          print nothing but errors
  --verbose        also print cell outputs and the kernel's own log
  -h, --help       show this help

If the kernelspec "bigdata" is not installed, it is installed into a temporary prefix for the
run, so a fresh checkout can run notebooks without touching Jupyter's configuration.`,
  async run(args) {
    const { values, positionals } = parse(args, {
      output: { type: "string", short: "o" },
      inplace: { type: "boolean" },
      timeout: { type: "string" },
      kernel: { type: "string" },
      cwd: { type: "string" },
      remote: { type: "string" },
      "allow-errors": { type: "boolean" },
      "no-trust": { type: "boolean" },
      quiet: { type: "boolean", short: "q" },
      verbose: { type: "boolean", short: "v" },
    });
    if (values.help) return console.log(this.help), 0;
    if (positionals.length !== 1) throw new UsageError("give exactly one NOTEBOOK");
    if (values.inplace && values.output !== undefined) throw new UsageError("--inplace and --output exclude each other");
    const input = resolve(positionals[0]!);
    const output = values.inplace ? input : values.output === "-" ? "-" : resolve(values.output ?? defaultOutput(input));
    const timeoutS = num(values.timeout, "--timeout") ?? DEFAULT_TIMEOUT_S;
    const remote = values.remote as string | undefined;
    if (remote !== undefined) await checkRemote(remote);
    const quiet = !!values.quiet;
    const verbose = !!values.verbose && !quiet;
    // With the notebook on stdout, progress goes to stderr so the JSON stays clean.
    const say = (s: string) => { if (!quiet) (output === "-" ? process.stderr : process.stdout).write(s + "\n"); };

    const nb = await readNotebook(input);
    const embeddedOnly = (nb.metadata.bigdata as { embedded_only?: string } | undefined)?.embedded_only;
    if (remote !== undefined && embeddedOnly) {
      say(`${basename(input)} was not run: its system runs on the embedded cluster only. ${embeddedOnly}`);
      return 0;
    }
    const kernelName = values.kernel ?? nb.metadata.kernelspec?.name ?? "bigdata";
    const { spec, cleanup } = await resolveSpec(kernelName, say);
    let kernel: KernelProcess | undefined;
    const stopOnSignal = (sig: NodeJS.Signals) => {
      process.stderr.write(`\nworkbench run: ${sig}, shutting the kernel down\n`);
      void (kernel?.kill() ?? Promise.resolve()).finally(() => process.exit(130));
    };
    process.on("SIGINT", stopOnSignal);
    process.on("SIGTERM", stopOnSignal);
    try {
      say(`Running ${basename(input)} with kernel ${spec.name} (${spec.display_name})`);
      kernel = await KernelProcess.start(spec, {
        cwd: values.cwd ? resolve(values.cwd) : dirname(input),
        ...(remote ? { env: { ...process.env, SPARK_REMOTE: remote } } : {}),
        onOutput: verbose ? (s) => process.stderr.write(s) : undefined,
      });
      const started = new Map<number, number>();
      const codeCells = nb.cells.filter((c) => c.cell_type === "code" && sourceText(c.source).trim()).length;
      let done = 0;
      const result = await executeNotebook(nb, kernel, {
        timeoutMs: timeoutS * 1000,
        allowErrors: !!values["allow-errors"],
        ...(remote ? { skipTags: [EMBEDDED_ONLY_TAG] } : {}),
        onCellSkipped: (i) => say(`  [${++done}/${codeCells}] cell ${i}: skipped (tagged ${EMBEDDED_ONLY_TAG}: it needs the embedded cluster)`),
        onCellStart: (i) => started.set(i, Date.now()),
        onCellEnd: (i, cell) => {
          const failed = cell.outputs.some((o) => o.output_type === "error");
          const expected = (cell.metadata.tags ?? []).includes("raises-exception");
          const secs = ((Date.now() - (started.get(i) ?? Date.now())) / 1000).toFixed(1);
          say(`  [${++done}/${codeCells}] cell ${i} In [${cell.execution_count ?? " "}]: ${failed ? (expected ? "error (expected, tagged raises-exception)" : "FAILED") : "ok"} (${secs} s)`);
        },
        onOutput: verbose ? (_i, o) => say(indent(outputText(o))) : undefined,
      });
      await kernel.shutdown();
      // Wait until a pipe has taken the whole notebook: the CLI exits right after (process.exit),
      // which would cut a large notebook short.
      const text = formatNotebook(result.notebook);
      // Trusted in Jupyter as it was when it ran here (the signature is of its content, wherever it is saved).
      const trusted = !values["no-trust"] && signNotebook(text);
      if (output === "-") await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
      else await writeNotebook(output, result.notebook);
      if (output !== "-") say(`Wrote ${output}${trusted ? " (signed: Jupyter opens it trusted)" : ""}`);
      for (const f of result.failures) {
        process.stderr.write(
          `\nCell ${f.cellIndex} failed (${f.kind}): ${f.ename}: ${f.evalue}\n` +
            (f.traceback.length ? f.traceback.map(stripAnsiUnlessTty).join("\n") + "\n" : ""),
        );
      }
      if (result.failures.length) return 1;
      say(`All ${result.cellsRun} code cells ran without error${result.cellsRun < codeCells ? ` (${codeCells - result.cellsRun} skipped)` : ""}.`);
      return 0;
    } finally {
      process.removeListener("SIGINT", stopOnSignal);
      process.removeListener("SIGTERM", stopOnSignal);
      await kernel?.kill();
      await cleanup();
    }
  },
};

export function defaultOutput(input: string): string {
  return input.endsWith(".ipynb") ? input.slice(0, -".ipynb".length) + ".out.ipynb" : input + ".out.ipynb";
}

/** The named kernelspec, or for "bigdata" a throwaway install when it is not registered. */
export async function resolveSpec(name: string, say: (s: string) => void): Promise<{ spec: KernelSpec; cleanup: () => Promise<void> }> {
  try {
    return { spec: findKernelSpec(name), cleanup: async () => {} };
  } catch (e) {
    if (!(e instanceof KernelSpecNotFound) || name !== "bigdata") throw e;
    const prefix = await mkdtemp(join(tmpdir(), "workbench-kernelspec-"));
    try {
      await installKernelSpec({ prefix, name });
      const spec = findKernelSpec(name, { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter") });
      say(`(kernelspec "${name}" is not installed; using a temporary one)`);
      return { spec, cleanup: () => rm(prefix, { recursive: true, force: true }) };
    } catch (err) {
      await rm(prefix, { recursive: true, force: true });
      throw new KernelSpecNotFound(`${(e as Error).message}\n(and a temporary install failed: ${(err as Error).message})`);
    }
  }
}

function outputText(o: Output): string {
  switch (o.output_type) {
    case "stream":
      return o.text.replace(/\n$/, "");
    case "error":
      return `${o.ename}: ${o.evalue}`;
    default: {
      const t = o.data["text/plain"];
      const kinds = Object.keys(o.data).filter((k) => k !== "text/plain");
      return (Array.isArray(t) ? t.join("") : String(t ?? "")) + (kinds.length ? `  [${kinds.join(", ")}]` : "");
    }
  }
}

function indent(s: string): string {
  return s.split("\n").map((l) => "    " + l).join("\n");
}

function stripAnsiUnlessTty(s: string): string {
  // eslint-disable-next-line no-control-regex
  return process.stderr.isTTY ? s : s.replace(/\u001b\[[0-9;]*m/g, "");
}
