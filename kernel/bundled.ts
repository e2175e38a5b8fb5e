// When the kernel runs from its prebuilt bundle (kernel/bundle.mjs), kernel/boot.mjs publishes
// the bundle's files here: the kernel's threads and the engine are then loaded from the bundle too.

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { TransferListItem } from "node:worker_threads";

export interface KernelBundleFiles {
  /** File URLs of the bundled kernel, its threads and the engine (engine/index.ts). */
  kernel: string;
  ioThread: string;
  compileThread: string;
  engine: string;
}

/** The running kernel's bundle, or undefined when it runs from the TypeScript sources. */
export function runningBundle(): KernelBundleFiles | undefined {
  return (globalThis as Record<symbol, unknown>)[Symbol.for("bigdata-workbench.kernelBundle")] as KernelBundleFiles | undefined;
}

/** A module by file URL: a CommonJS bundle (the engine's, .cjs) through require, others through import(). */
export function importModule<T>(url: string): Promise<T> {
  if (!url.endsWith(".cjs")) return import(url) as Promise<T>;
  return new Promise<T>((resolve) => resolve(createRequire(import.meta.url)(fileURLToPath(url)) as T));
}

/** Starts one of the kernel's threads: from its bundled file, or from `source` through tsx. */
export function startThread(thread: "ioThread" | "compileThread", source: URL, workerData: object, transferList: TransferListItem[] = []): Worker {
  const bundled = runningBundle()?.[thread];
  if (bundled) return new Worker(new URL(bundled), { workerData, transferList });
  return new Worker(new URL("./thread-boot.mjs", import.meta.url), { workerData: { ...workerData, threadModule: source.href }, transferList });
}
