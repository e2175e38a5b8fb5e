// An RDD's lineage as rdd.toDebugString() prints it, made readable: each RDD line parsed into
// (depth, partitions, class, id, call site, storage), shuffle boundaries ("+-") highlighted, cached
// RDDs marked. Runs no job: it only reformats the text the RDD already built.

import { FONT, MONO, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";

export interface LineageLine {
  /** The raw line. */
  line: string;
  /** Indentation prefix (spaces, "|", "+-"). */
  prefix: string;
  /** Nesting level: number of shuffle boundaries crossed from the top. */
  depth: number;
  /** True on the first line of a new stage ("+-(n)"). */
  shuffleBoundary: boolean;
  numPartitions?: number;
  name?: string;
  /** The user's rdd.setName(...) label, when set. */
  userName?: string;
  rddId?: number;
  callSite?: string;
  /** Storage level text in trailing brackets, e.g. "Memory Deserialized 1x Replicated"; "" when none. */
  storage?: string;
  /** Lines that are not an RDD (e.g. "CachedPartitions: 2; MemorySize: ...") are details of the previous one. */
  detail: boolean;
}

// "(n) " partitions, an optional user name (rdd.setName), Class[id], " at " call site, " [storage]".
const RDD_LINE = /^(?:\((\d+)\)\s+)?(?:(.+?) )?([A-Za-z_$][\w$]*)\[(\d+)\](?: at (.*?))?(?: \[([^\]]*)\])?\s*$/;

/** Parse Spark-style toDebugString output line by line. */
export function parseLineage(debugString: string): LineageLine[] {
  return debugString
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line): LineageLine => {
      const m = /^([\s|+\-]*)(.*)$/.exec(line)!;
      const prefix = m[1]!;
      const rest = m[2]!;
      const depth = (prefix.match(/\+-/g)?.length ?? 0) + (prefix.match(/\|/g)?.length ?? 0);
      const r = RDD_LINE.exec(rest);
      if (!r) return { line, prefix, depth, shuffleBoundary: false, detail: true };
      return {
        line, prefix, depth,
        shuffleBoundary: prefix.includes("+-"),
        ...(r[1] !== undefined ? { numPartitions: Number(r[1]) } : {}),
        ...(r[2] !== undefined ? { userName: r[2] } : {}),
        name: r[3]!,
        rddId: Number(r[4]),
        ...(r[5] !== undefined ? { callSite: r[5] } : {}),
        storage: r[6] ?? "",
        detail: false,
      };
    });
}

/** The lineage text as a <pre> with shuffle boundaries and cached RDDs picked out. */
export function renderLineage(debugString: string, opts: { title?: string } = {}): MimeBundle {
  const lines = parseLineage(debugString);
  const body = lines
    .map((l) => {
      if (l.detail) return el("span", { class: "bdw-lineage-detail", style: "color:#2c7a2c;" }, text(l.line));
      const boundary = el("span", { style: "color:#d9822b;font-weight:700;", title: "shuffle boundary: a new stage starts here" }, "+-");
      const prefixHtml = l.prefix.split("+-").map(text).join(boundary);
      const parts = l.numPartitions !== undefined ? el("span", { style: "color:#777;" }, `(${l.numPartitions}) `) : "";
      const cached = l.storage !== "" && l.storage !== undefined;
      const name = (l.userName ? el("span", { style: "font-style:italic;" }, text(l.userName)) + " " : "") +
        el("span", { style: "font-weight:700;" + (l.shuffleBoundary ? "color:#b35c00;" : "") }, text(`${l.name}[${l.rddId}]`));
      const site = l.callSite !== undefined ? text(" at ") + el("span", { style: "color:#2f6fb0;" }, text(l.callSite)) : "";
      const storage = cached
        ? " " + el("span", { class: "bdw-cached", style: "color:#fff;background:#2ca02c;border-radius:3px;padding:0 4px;" }, text(`[${l.storage}]`))
        : l.storage === "" && /\[\]\s*$/.test(l.line) ? el("span", { style: "color:#aaa;" }, " []") : "";
      return el("span", { class: "bdw-lineage-rdd", "data-rdd": l.rddId }, prefixHtml + parts + name + site + storage);
    })
    .join("\n");
  const html = el(
    "div",
    { class: "bdw-lineage", style: FONT },
    (opts.title ? el("div", { style: "font-weight:600;margin-bottom:2px;" }, text(opts.title)) : "") +
      el("pre", { style: MONO + "margin:0;padding:6px 8px;background:rgba(127,127,127,0.08);border-radius:4px;line-height:1.45;" }, body),
  );
  return {
    [MIME.text]: debugString.replace(/\n+$/, ""),
    [MIME.html]: html,
    [MIME.lineage]: { debugString, lines: lines.map(({ line: _l, ...rest }) => rest) },
  };
}
