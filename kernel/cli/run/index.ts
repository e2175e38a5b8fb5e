// Public surface of the headless runner: start a kernel from a kernelspec, execute a notebook's
// cells over the Jupyter protocol, and write nbformat 4 with the outputs.

export { executeNotebook, runCell, type CellFailure, type ExecuteOptions, type ExecuteResult, type FailureKind } from "./execute-notebook";
export { KernelProcess, KernelStartError, type KernelExit, type StartOptions } from "./kernel-process";
export { KernelClient, type Channel, type IopubListener } from "./kernel-client";
export { findKernelSpec, jupyterDataDirs, kernelArgv, KernelSpecNotFound, type KernelSpec } from "./kernelspec";
export { newConnectionInfo, writeConnectionFile, freePort, type ConnectionInfo } from "./connection-file";
export {
  clearOutputs, formatNotebook, parseNotebook, readNotebook, sourceText, writeNotebook, NotebookFormatError,
  type Cell, type CodeCell, type Notebook, type Output,
} from "./notebook";
export { OutputCollector } from "./output-collector";
export type { JupyterMessage, MessageHeader } from "../../protocol/wire";
