// Where the package's own parts live, resolved from this file (never from the caller's cwd).

import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
export const NOTEBOOKS_DIR = `${PACKAGE_ROOT}/notebooks`;
