// `workbench install-kernel`: registers the "bigdata" kernelspec with Jupyter through the
// kernel's own installer (kernel/install.ts), in the user, environment or a given prefix.

import { installKernelSpec } from "../../install";
import { parse, UsageError, type Command } from "./command";

export const installKernelCommand: Command = {
  name: "install-kernel",
  summary: "register the bigdata kernel with Jupyter",
  help: `Usage: workbench install-kernel [--user | --sys-prefix | --prefix P] [--name N]

Registers the TypeScript (Big Data Workbench) kernel so Jupyter can start it.

Options:
  --user          install for the current user (~/.local/share/jupyter/kernels)
  --sys-prefix    install into the Python environment Jupyter runs in (sys.prefix/share/jupyter/kernels)
  --prefix P      install into P/share/jupyter/kernels (then add P/share/jupyter to JUPYTER_PATH)
  --name N        kernelspec name (default: bigdata)
  -h, --help      show this help

Without a location option it installs system-wide (/usr/local/share/jupyter/kernels) as root,
and for the current user otherwise.`,
  async run(args) {
    const { values, positionals } = parse(args, {
      user: { type: "boolean" },
      "sys-prefix": { type: "boolean" },
      prefix: { type: "string" },
      name: { type: "string" },
    });
    if (values.help) return console.log(this.help), 0;
    if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const chosen = [values.user, values["sys-prefix"], values.prefix !== undefined].filter(Boolean).length;
    if (chosen > 1) throw new UsageError("choose at most one of --user, --sys-prefix, --prefix");
    const root = typeof process.getuid === "function" && process.getuid() === 0;
    const result = await installKernelSpec({
      ...(values.user || (chosen === 0 && !root) ? { user: true } : {}),
      ...(values["sys-prefix"] ? { sysPrefix: true } : {}),
      ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
      ...(values.name ? { name: values.name } : {}),
    });
    console.log(`Installed kernelspec ${values.name ?? "bigdata"} in ${result.path}`);
    return 0;
  },
};
