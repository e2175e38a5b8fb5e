// The pinned tslab 1.0.22 internals the kernel is built on, loaded once through require (tslab is
// CommonJS) with their published types. Also exposes tslab's bundled TypeScript so the kernel does
// not load a second compiler.

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadedFromCache, requireWithCodeCache } from "./code-cache";
import type * as Converter from "tslab/dist/converter";
import type * as Executor from "tslab/dist/executor";
import type * as Inspect from "tslab/dist/inspect";

const require = createRequire(import.meta.url);
const tslabDir = require.resolve("tslab/package.json");
const requireFromTslab = createRequire(tslabDir);
// tslab's TypeScript first, from its code cache (code-cache.ts): tslab's own require then finds it loaded.
const TS_FILE = requireFromTslab.resolve("@tslab/typescript-for-tslab");
requireWithCodeCache(TS_FILE, join(dirname(tslabDir), "..", ".cache", "bigdata-workbench", "code-cache"));

export const converterModule = require("tslab/dist/converter") as typeof Converter;
export const executorModule = require("tslab/dist/executor") as typeof Executor;
export const inspectModule = require("tslab/dist/inspect") as typeof Inspect;
/** tslab's jupyter module: its `lastWriteDisplayData` backs `tslab.display` inside notebooks. */
export const jupyterModule = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
export type TsModule = typeof import("typescript");
/** tslab's bundled TypeScript 5.0 (same API surface as `typescript` for what the kernel uses). */
export const tslabTs = requireFromTslab(TS_FILE) as TsModule;
/** Whether this thread compiled tslab's TypeScript from its code cache (false: none yet, or refused). */
export const tslabTsFromCodeCache = loadedFromCache(TS_FILE) === true;

export type { Converter as ConverterTypes, Executor as ExecutorTypes };
