// Public surface of the workbench CLI: the entry point, its commands, and the headless notebook
// runner (usable from tests and scripts without going through a subprocess).

export { main, mainHelp, COMMANDS } from "./main";
export { defaultOutput, DEFAULT_TIMEOUT_S } from "./commands/run";
export { findNotebookServer, ensureNotebookServer, installInstructions, DEBIAN_PACKAGES } from "./jupyter-env";
export { PACKAGE_ROOT, NOTEBOOKS_DIR } from "./package-paths";
export * from "./run/index";
