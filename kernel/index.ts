// Public surface of the Jupyter kernel: the installer used by `workbench install-kernel`, the
// Kernel server itself, and the display helpers notebooks share with the headless runner.

export { installKernelSpec, kernelSpec, kernelsDir, userDataDir } from "./install";
export type { InstallKernelSpecOptions, InstallResult, KernelSpec } from "./install";
export { Kernel, kernelInfoContent } from "./kernel";
export type { KernelOptions } from "./kernel";
export { toDisplayContent, createDisplay, hasRichRepr } from "./display";
export type { MimeBundle, DisplayContent, DisplayHandle, DisplayFunction } from "./display";
export { NotebookUsageError } from "./notebook-session";
export type { NotebookConfig } from "./notebook-session";
