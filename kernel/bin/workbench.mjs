#!/usr/bin/env node
// Launcher for the `workbench` CLI: registers tsx's ESM loader in this process and hands over to
// the TypeScript CLI in kernel/cli. tsx is resolved from this file's location (the package's own
// node_modules), never from the caller's working directory, and so is the tsconfig it uses.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const { register } = await import("tsx/esm/api");
const tsconfig = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));
register(existsSync(tsconfig) ? { tsconfig } : {});
const { main } = await import(new URL("../cli/main.ts", import.meta.url).href);
// main resolves with an exit code once everything it started is gone; long-running commands
// (start, worker) resolve only when told to stop. Exit explicitly: a command that failed half-way
// (e.g. a worker refused by its driver) may leave threads or servers of a library open, and the
// CLI must not hang on them. stdout/stderr are synchronous for files and pipes on POSIX.
process.exit(await main(process.argv.slice(2)));
