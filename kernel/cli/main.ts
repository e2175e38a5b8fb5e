// Entry of the `workbench` CLI (launched by kernel/bin/workbench.mjs through tsx): dispatches to
// the subcommands, prints help, and turns failures into messages and exit codes (2 for usage).

import { assignCommand } from "./commands/assign";
import { gradeCommand, gradescopeBundleCommand, gradescopeRunCommand } from "./commands/grade";
import { installKernelCommand } from "./commands/install-kernel";
import { runCommand } from "./commands/run";
import { startCommand } from "./commands/start";
import { workerCommand } from "./commands/worker";
import { UsageError, type Command } from "./commands/command";

export const COMMANDS: Command[] = [
  startCommand, runCommand, installKernelCommand, workerCommand,
  assignCommand, gradeCommand, gradescopeBundleCommand, gradescopeRunCommand,
];

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: workbench <command> [options]",
    "",
    "Big Data Workbench: a TypeScript Jupyter kernel and a small real Spark-like cluster.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `workbench <command> --help` for a command's options.",
  ].join("\n");
}

/** Runs the CLI with `argv` (without node and script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    if (name === "help" && rest[0]) return main([rest[0], "--help"]);
    console.log(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    const { readFile } = await import("node:fs/promises");
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    console.log(pkg.version);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    console.error(`workbench: unknown command "${name}"\n\n${mainHelp()}`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`workbench ${cmd.name}: ${e.message}\n\n${cmd.help}`);
      return 2;
    }
    console.error(`workbench ${cmd.name}: ${e instanceof Error ? `${e.name === "Error" ? "" : e.name + ": "}${e.message}` : String(e)}`);
    if (process.env.WORKBENCH_DEBUG && e instanceof Error) console.error(e.stack);
    return 1;
  }
}
