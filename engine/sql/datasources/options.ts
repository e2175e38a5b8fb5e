// Case-insensitive access to reader/writer options with Spark's defaults and validation.
// Spark treats option keys case-insensitively ("inferSchema" == "inferschema"), so do we.

import { AnalysisError } from "../../common/errors";
import { dataSourceOptions, type OptionValue } from "../datasource-contract";

export class Options {
  private readonly map = new Map<string, string>();

  constructor(raw: Record<string, OptionValue | null | undefined> = {}) {
    for (const [k, v] of Object.entries(dataSourceOptions(raw))) this.map.set(k, v);
  }

  has(key: string): boolean {
    return this.map.has(key.toLowerCase());
  }

  get(key: string): string | undefined {
    return this.map.get(key.toLowerCase());
  }

  str(key: string, dflt: string): string {
    return this.get(key) ?? dflt;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.get(key);
    if (v === undefined) return dflt;
    const l = v.trim().toLowerCase();
    if (l === "true") return true;
    if (l === "false") return false;
    throw new AnalysisError("INVALID_OPTION_VALUE", `Option '${key}' must be true or false, got '${v}'.`, {
      parameters: { option: key, value: v },
    });
  }

  num(key: string, dflt: number): number {
    const v = this.get(key);
    if (v === undefined) return dflt;
    const n = parseByteSize(v);
    if (!Number.isFinite(n)) {
      throw new AnalysisError("INVALID_OPTION_VALUE", `Option '${key}' must be a number, got '${v}'.`, {
        parameters: { option: key, value: v },
      });
    }
    return n;
  }

  /** A single character option (sep, quote, escape, comment); "" means "disabled" for some. */
  char(key: string, dflt: string): string {
    const v = this.get(key);
    if (v === undefined) return dflt;
    if (v === "\\t") return "\t";
    if (v === "\\u0000" || v === "") return "\u0000";
    return v;
  }
}

/** Accepts plain numbers and Spark's size strings: "32m", "128MB", "4k", "1g". */
export function parseByteSize(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)b?\s*$/i.exec(v);
  if (!m) return Number(v);
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Math.floor(Number(m[1]) * mult);
}

export type ParseMode = "PERMISSIVE" | "DROPMALFORMED" | "FAILFAST";

export function parseMode(opts: Options): ParseMode {
  const m = opts.str("mode", "PERMISSIVE").toUpperCase();
  if (m === "PERMISSIVE" || m === "DROPMALFORMED" || m === "FAILFAST") return m;
  // Spark falls back to PERMISSIVE for unknown modes (with a warning).
  return "PERMISSIVE";
}

const ENCODINGS: Record<string, BufferEncoding> = {
  "utf-8": "utf8", utf8: "utf8", "iso-8859-1": "latin1", "latin1": "latin1", "us-ascii": "ascii", ascii: "ascii",
};

/** The text encoding option (encoding / charset); UTF-8 unless told otherwise. */
export function textEncoding(o: Options): BufferEncoding {
  const raw = o.get("encoding") ?? o.get("charset") ?? "UTF-8";
  const e = ENCODINGS[raw.toLowerCase()];
  if (!e) {
    throw new AnalysisError("INVALID_OPTION_VALUE", `Unsupported encoding '${raw}'. Supported: UTF-8, ISO-8859-1, US-ASCII.`, { parameters: { option: "encoding", value: raw } });
  }
  return e;
}

// Spark's spark.sql.files.maxPartitionBytes default (128 MB): a file read on a small cluster is cut
// into about one split per core (total / cores), as Spark does.
export const DEFAULT_MAX_PARTITION_BYTES = 128 * 1024 * 1024;
export const DEFAULT_OPEN_COST_BYTES = 4 * 1024 * 1024;
