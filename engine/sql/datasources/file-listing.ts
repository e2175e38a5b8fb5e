// Driver-side file listing: resolves user paths (file: URIs, globs, directories), skips hidden
// and bookkeeping files (names starting with "_" or "."), and discovers Hive-style partition
// directories (col=value) with typed partition values, like Spark's InMemoryFileIndex.

import { setField } from "../../common/fields";
import { existsSync, readdirSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { AnalysisError } from "../../common/errors";
import { StructType, type DataType } from "../types";
import type { Row } from "./types";
import { inferPartitionValue, mergePartitionTypes, castPartitionValue } from "./partition-values";

export interface ListedFile {
  path: string;
  size: number;
  partitionValues: Row;
}

export interface FileListing {
  files: ListedFile[];
  partitionSchema: StructType;
  /** The directories the user named (after glob expansion), for messages and writes. */
  roots: string[];
}

/** Strip a file: URI prefix and make the path absolute. */
export function localPath(p: string): string {
  let s = p;
  if (s.startsWith("file://")) s = s.slice("file://".length);
  else if (s.startsWith("file:")) s = s.slice("file:".length);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    throw new AnalysisError("UNSUPPORTED_DATASOURCE_PATH", `Only local paths are supported, got ${p}.`, { parameters: { path: p } });
  }
  return isAbsolute(s) ? resolve(s) : resolve(process.cwd(), s);
}

/** Spark's spelling of a local path in messages. */
export function fileUri(p: string): string {
  return "file:" + p;
}

export function pathNotFound(p: string): AnalysisError {
  return new AnalysisError("PATH_NOT_FOUND", `Path does not exist: ${fileUri(p)}.`, { parameters: { path: fileUri(p) }, context: { file: p } });
}

/** Hidden or bookkeeping names Spark ignores when listing (_SUCCESS, _temporary, .crc, ...). */
export function isHidden(name: string): boolean {
  return (name.startsWith("_") && !name.includes("=")) || name.startsWith(".");
}

const GLOB_CHARS = /[*?[{]/;

function globToRegExp(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = seg.indexOf("]", i);
      if (close < 0) re += "\\[";
      else {
        re += "[" + seg.slice(i + 1, close).replace(/^!/, "^") + "]";
        i = close;
      }
    } else if (c === "{") {
      const close = seg.indexOf("}", i);
      if (close < 0) re += "\\{";
      else {
        re += "(?:" + seg.slice(i + 1, close).split(",").map((a) => a.replace(/[.+^$()|\\]/g, "\\$&")).join("|") + ")";
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\\]}]/g, "\\$&");
  }
  return new RegExp("^" + re + "$");
}

/** Expand one (absolute) path that may contain glob characters in any segment. */
export function expandGlob(abs: string): string[] {
  if (!GLOB_CHARS.test(abs)) return [abs];
  const parts = abs.split(sep).filter((s, i) => s !== "" || i === 0);
  let current = [parts[0] === "" ? sep : parts[0]!];
  for (const seg of parts.slice(1)) {
    const next: string[] = [];
    for (const dir of current) {
      if (!GLOB_CHARS.test(seg)) {
        const p = join(dir, seg);
        if (existsSync(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      const re = globToRegExp(seg);
      for (const n of names.sort()) if (re.test(n) && !isHidden(n)) next.push(join(dir, n));
    }
    current = next;
  }
  return current;
}

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (isHidden(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() || e.isSymbolicLink()) out.push(p);
  }
}

export interface ListOptions {
  /** Spark's recursiveFileLookup: read nested files, no partition discovery. */
  recursiveFileLookup?: boolean;
  /** Spark's pathGlobFilter: keep only files whose name matches. */
  pathGlobFilter?: string;
  /** Spark's basePath: where partition discovery starts. */
  basePath?: string;
  /** Infer partition column types (spark.sql.sources.partitionColumnTypeInference.enabled). */
  inferPartitionTypes?: boolean;
  /** A user schema: partition columns it names take its types. */
  userSchema?: StructType;
}

/** Parse `col=value` directory segments between `base` and the file. */
function partitionSegments(base: string, file: string): Array<[string, string]> | null {
  const rel = relative(base, file);
  const segs = rel.split(sep).slice(0, -1);
  const out: Array<[string, string]> = [];
  for (const s of segs) {
    const eq = s.indexOf("=");
    if (eq <= 0) return out.length ? null : [];
    out.push([unescapePathName(s.slice(0, eq)), unescapePathName(s.slice(eq + 1))]);
  }
  return out;
}

/** Hive escapes special characters in partition directory names as %XX. */
export function unescapePathName(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export function escapePathName(s: string): string {
  // The characters Hive's FileUtils.escapePathName escapes.
  return s.replace(/["#%'*/:=?\\\x00-\x1f\x7f{}[\]^]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
}

/** List the data files under the given paths with their partition values. */
export function listFiles(paths: string[], opts: ListOptions = {}): FileListing {
  if (paths.length === 0) {
    throw new AnalysisError("UNABLE_TO_INFER_SCHEMA", "No input paths given.", {});
  }
  const fileRe = opts.pathGlobFilter ? globToRegExp(opts.pathGlobFilter) : null;
  const found: Array<{ path: string; size: number; base: string }> = [];
  const roots: string[] = [];
  for (const userPath of paths) {
    const abs = localPath(userPath);
    const expanded = expandGlob(abs);
    if (expanded.length === 0 || (expanded.length === 1 && !existsSync(expanded[0]!))) throw pathNotFound(abs);
    for (const p of expanded) {
      roots.push(p);
      const st = statSync(p);
      const base = opts.basePath ? localPath(opts.basePath) : st.isDirectory() ? p : p.slice(0, p.lastIndexOf(sep)) || sep;
      const files: string[] = [];
      if (st.isDirectory()) walk(p, files);
      else files.push(p);
      for (const f of files) {
        const name = f.slice(f.lastIndexOf(sep) + 1);
        if (fileRe && !fileRe.test(name)) continue;
        found.push({ path: f, size: statSync(f).size, base });
      }
    }
  }

  if (opts.recursiveFileLookup) {
    return { files: found.map((f) => ({ path: f.path, size: f.size, partitionValues: {} })), partitionSchema: new StructType([]), roots };
  }

  // Partition discovery: every file must sit under the same partition column names.
  const raw = found.map((f) => ({ ...f, segs: partitionSegments(f.base, f.path) }));
  const withSegs = raw.filter((f) => f.segs !== null) as Array<(typeof raw)[number] & { segs: Array<[string, string]> }>;
  const names = withSegs.length ? withSegs[0]!.segs.map(([k]) => k) : [];
  for (const f of withSegs) {
    const these = f.segs.map(([k]) => k);
    if (these.join("\u0000").toLowerCase() !== names.join("\u0000").toLowerCase()) {
      throw new AnalysisError(
        "CONFLICTING_DIRECTORY_STRUCTURES",
        `Conflicting directory structures detected. Suspicious paths:\n\t${fileUri(withSegs[0]!.path)}\n\t${fileUri(f.path)}\n` +
          "If provided paths are partition directories, please set \"basePath\" in the options of the data source to specify the root directory of the table.",
        { parameters: { paths: [withSegs[0]!.path, f.path] } },
      );
    }
  }
  const infer = opts.inferPartitionTypes ?? true;
  const types: DataType[] = names.map((name, i) => {
    const given = opts.userSchema?.field(name);
    if (given) return given.dataType;
    if (!infer) return { type: "string" };
    return mergePartitionTypes(withSegs.map((f) => inferPartitionValue(f.segs[i]![1]).dataType));
  });
  const partitionSchema = new StructType(names.map((n, i) => ({ name: n, dataType: types[i]!, nullable: true })));
  const files: ListedFile[] = withSegs.map((f) => {
    const pv: Row = {};
    names.forEach((n, i) => { setField(pv, n, castPartitionValue(f.segs[i]![1], types[i]!)); });
    return { path: f.path, size: f.size, partitionValues: pv };
  });
  return { files, partitionSchema, roots };
}
