// Entry of the kernel process (kernel/boot.mjs loads it, from its bundle or through tsx).
// Reads the connection file name (and --check-raises) from the command line and runs the kernel
// until shutdown.

import { CompileThread } from "./executor/remote-converter";

function connectionFileFrom(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-f" || a === "--connection-file" || a === "--config-path") return argv[i + 1];
    const m = /^--(?:connection-file|config-path|f)=(.*)$/.exec(a);
    if (m) return m[1];
  }
  return undefined;
}

const file = connectionFileFrom(process.argv.slice(2));
// `--check-raises` (nbgrader's Execute.extra_arguments): a failed check() raises, so nbgrader,
// which scores a test cell by whether it raised, grades the workbench's test cells.
if (process.argv.includes("--check-raises")) process.env.BIGDATA_CHECK_RAISES = "1";
if (!file) {
  process.stderr.write("usage: kernel/main.ts -f <connection_file>\n");
  process.exit(2);
}
// The compiler thread first, before the kernel's own modules load: creating TypeScript's program
// over Node's and the engine's types is the slowest part of a start (about a second), and runs
// beside everything else from here on.
const compiler = new CompileThread(process.cwd());
const { Kernel } = await import("./kernel");
const kernel = new Kernel({ connectionFile: file, compiler });
kernel.start().catch((e: unknown) => {
  process.stderr.write(`bigdata kernel failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
