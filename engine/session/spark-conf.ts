// SparkConf: string key/value settings with Spark's names, plus the parsing helpers for the
// values the workbench reads (memory sizes like "256m", durations like "10s", master URLs).

import { cpus } from "node:os";
import { WorkbenchError } from "../common/errors";

export class SparkConf {
  private readonly values = new Map<string, string>();
  constructor(init: Record<string, unknown> = {}) {
    for (const [k, v] of Object.entries(init)) this.set(k, v);
  }
  set(key: string, value: unknown): this {
    this.values.set(key, String(value));
    return this;
  }
  setMaster(m: string): this { return this.set("spark.master", m); }
  setAppName(n: string): this { return this.set("spark.app.name", n); }
  setAll(pairs: Array<[string, unknown]>): this {
    for (const [k, v] of pairs) this.set(k, v);
    return this;
  }
  get(key: string, defaultValue?: string): string | undefined {
    return this.values.get(key) ?? defaultValue;
  }
  getAll(): Array<[string, string]> {
    return [...this.values.entries()];
  }
  contains(key: string): boolean {
    return this.values.has(key);
  }
  unset(key: string): this {
    this.values.delete(key);
    return this;
  }
  getInt(key: string, d: number): number {
    const v = this.values.get(key);
    return v === undefined ? d : Number.parseInt(v, 10);
  }
  getBool(key: string, d: boolean): boolean {
    const v = this.values.get(key);
    return v === undefined ? d : v.toLowerCase() === "true";
  }
  /** Bytes from "256m", "1g", "64k", "1024" (plain numbers are bytes unless `defaultUnit`). */
  getBytes(key: string, d: number): number {
    const v = this.values.get(key);
    return v === undefined ? d : parseBytes(v, key);
  }
  getMs(key: string, d: number): number {
    const v = this.values.get(key);
    if (v === undefined) return d;
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/i.exec(v.trim());
    if (!m) throw new WorkbenchError("INVALID_CONF_VALUE", `'${v}' is not a duration for ${key} (examples: 500ms, 10s, 2m)`);
    const n = Number(m[1]);
    const unit = (m[2] ?? "ms").toLowerCase();
    return n * (unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "h" ? 3_600_000 : 60_000);
  }
  toDebugString(): string {
    return [...this.values.entries()].sort().map(([k, v]) => `${k}=${v}`).join("\n");
  }
}

export function parseBytes(v: string, key = "value"): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(v.trim());
  if (!m) throw new WorkbenchError("INVALID_CONF_VALUE", `'${v}' is not a size for ${key} (examples: 512m, 2g)`);
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Math.floor(Number(m[1]) * mult);
}

export interface MasterSpec {
  /** Worker processes the driver starts on this machine. */
  localWorkers: number;
  /** Task slots (executor threads) per local worker. */
  coresPerWorker: number;
  /** Task attempts before a job fails (local[N,F]). */
  maxFailures?: number;
}

/** local, local[N], local[*], local[N,F], local-cluster[W,C,M]; "driver" = no local workers (external ones join). */
export function parseMaster(master: string): MasterSpec {
  const m = master.trim();
  if (m === "local") return { localWorkers: 1, coresPerWorker: 1 };
  if (m === "driver") return { localWorkers: 0, coresPerWorker: 1 };
  let r = /^local\[(\*|\d+)(?:,\s*(\d+))?\]$/.exec(m);
  if (r) {
    const n = r[1] === "*" ? cpus().length : Number(r[1]);
    if (n < 1) throw new WorkbenchError("INVALID_MASTER_URL", `Asked to run locally with ${n} threads`);
    return { localWorkers: n, coresPerWorker: 1, maxFailures: r[2] ? Number(r[2]) : undefined };
  }
  r = /^local-cluster\[(\d+),\s*(\d+),\s*(\d+)\]$/.exec(m);
  if (r) return { localWorkers: Number(r[1]), coresPerWorker: Number(r[2]) };
  throw new WorkbenchError("INVALID_MASTER_URL", `Could not parse Master URL: '${master}' (use local, local[N], local[*], local-cluster[W,C,M] or driver)`);
}
