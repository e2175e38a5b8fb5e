// Turns notebook values into Jupyter MIME bundles: objects with `_repr_mimebundle_()` (maybe
// async, as in IPython), IPython-style `_repr_html_` & co, and everything else as text/plain via
// util.inspect. Also the `display()` global with handles that update in place by display id.

import { inspect } from "node:util";
import { randomUUID } from "node:crypto";
import type { MimeBundle } from "../engine/index";
import { svgAsImages } from "./html-fallback";

/** The one MIME bundle type (engine/viz's), re-exported for the kernel's modules. */
export type { MimeBundle };

export interface DisplayContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** Sends display messages for the current cell; implemented by the kernel. */
export interface DisplaySink {
  display(content: DisplayContent, displayId: string | undefined, update: boolean): void;
  clear(wait: boolean): void;
}

const REPR_METHODS: Array<[string, string]> = [
  ["_repr_html_", "text/html"],
  ["_repr_markdown_", "text/markdown"],
  ["_repr_svg_", "image/svg+xml"],
  ["_repr_png_", "image/png"],
  ["_repr_jpeg_", "image/jpeg"],
  ["_repr_latex_", "text/latex"],
  ["_repr_json_", "application/json"],
];

/** text/plain for a value, as a REPL would print it (strings quoted). */
export function plainText(value: unknown): string {
  return inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 });
}

/** JSON-safe data values: binary data becomes base64 (the Jupyter convention for images). */
function normalizeData(data: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  // The workbench's own outputs (they carry a bigdata payload) send their SVG as images in text/html,
  // so an untrusted notebook still shows the drawing (./html-fallback.ts).
  const ours = Object.keys(data).some((k) => k.startsWith("application/vnd.bigdata."));
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined) continue;
    out[k] = v instanceof Uint8Array ? Buffer.from(v).toString("base64") : ours && k === "text/html" && typeof v === "string" ? svgAsImages(v) : v;
  }
  return out;
}

function hasMethod(x: unknown, name: string): x is Record<string, () => unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as Record<string, unknown>)[name] === "function";
}

/** Whether a value has its own rich representation (and so becomes a rich execute_result). */
export function hasRichRepr(x: unknown): boolean {
  return hasMethod(x, "_repr_mimebundle_") || REPR_METHODS.some(([m]) => hasMethod(x, m));
}

/**
 * The MIME bundle for a value. `plainStrings` shows strings unquoted (display("hi") prints hi,
 * while a cell's last value 'hi' shows quoted, as in IPython).
 */
export async function toDisplayContent(x: unknown, plainStrings = false): Promise<DisplayContent> {
  if (hasMethod(x, "_repr_mimebundle_")) {
    let r = await x._repr_mimebundle_();
    let metadata: Record<string, unknown> = {};
    if (Array.isArray(r) && r.length === 2) { metadata = (r[1] ?? {}) as Record<string, unknown>; r = r[0]; }
    const data = normalizeData((r ?? {}) as MimeBundle);
    if (typeof data["text/plain"] !== "string") data["text/plain"] = plainText(x);
    return { data, metadata };
  }
  const data: MimeBundle = {};
  for (const [m, mime] of REPR_METHODS) {
    if (hasMethod(x, m)) {
      const v = await x[m]();
      if (v !== undefined && v !== null) data[mime] = v;
    }
  }
  data["text/plain"] = typeof x === "string" && plainStrings ? x : plainText(x);
  return { data: normalizeData(data), metadata: {} };
}

/** Values that keep their display up to date (e.g. a streaming query's panel): `value[LIVE_DISPLAY](update)`. */
export const LIVE_DISPLAY = Symbol.for("bigdata-workbench.liveDisplay");
export type LiveDisplay = (update: (bundle: MimeBundle) => void) => () => void;

/** The live-update hook of a value, if it has one. */
export function liveDisplayOf(x: unknown): LiveDisplay | undefined {
  if ((typeof x !== "object" && typeof x !== "function") || x === null) return undefined;
  const f = (x as Record<symbol, unknown>)[LIVE_DISPLAY];
  return typeof f === "function" ? (f as LiveDisplay).bind(x) : undefined;
}

/** A bundle pushed by a live value, as display content. */
export function liveContent(bundle: MimeBundle): DisplayContent {
  return { data: normalizeData(bundle), metadata: {} };
}

export interface DisplayHandle {
  readonly displayId: string;
  /** Replaces what this handle displayed, in place. */
  update(x: unknown): Promise<void>;
}

const HANDLE_BRAND = Symbol.for("bigdata-workbench.displayHandle");

/** display() returns a handle; as a cell's last value it shows nothing (IPython's display returns None). */
export function isDisplayHandle(x: unknown): boolean {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[HANDLE_BRAND] === true;
}

export interface DisplayFunction {
  (x: unknown, opts?: { displayId?: string; raw?: boolean }): Promise<DisplayHandle>;
  html(html: string): Promise<DisplayHandle>;
  markdown(md: string): Promise<DisplayHandle>;
  svg(svg: string): Promise<DisplayHandle>;
  json(value: unknown): Promise<DisplayHandle>;
  /** Shows a ready MIME bundle, e.g. {"text/html": "...", "text/plain": "..."}. */
  bundle(data: MimeBundle, metadata?: Record<string, unknown>): Promise<DisplayHandle>;
  /** Clears the cell's output (wait=true: when the next output arrives). */
  clear(wait?: boolean): void;
}

/**
 * Runs the work of one display (the jobs a DataFrame's rich output runs) as one user action:
 * `where` is the user's call site ("<cell 5>:3") when known. The kernel supplies it.
 */
export type DisplayScope = <T>(op: string, where: string | undefined, work: () => Promise<T>) => Promise<T>;

const CELL_FRAME = /(<cell \d+>):(\d+):(\d+)/;
const CELL_POSITION = Symbol.for("bigdata-workbench.cellPosition");

/** "<cell N>:L" of the first cell frame in a stack, with the user's line when the kernel can map it. */
export function cellSiteOf(stack: string | undefined): string | undefined {
  const m = CELL_FRAME.exec(stack ?? "");
  if (!m) return undefined;
  const map = (globalThis as Record<symbol, unknown>)[CELL_POSITION] as ((f: string, l: number, c: number) => { line: number } | undefined) | undefined;
  let line: number | undefined;
  try { line = map?.(m[1]!, Number(m[2]), Number(m[3]))?.line; } catch { line = undefined; }
  return `${m[1]}:${line ?? m[2]}`;
}

/** Builds the notebook's `display` global over a sink bound to the running cell. */
export function createDisplay(sink: () => DisplaySink, scope?: DisplayScope): DisplayFunction {
  const handle = (displayId: string): DisplayHandle => {
    const h: DisplayHandle = {
      displayId,
      async update(x: unknown) {
        sink().display(await toDisplayContent(x, true), displayId, true);
      },
    };
    Object.defineProperty(h, HANDLE_BRAND, { value: true, enumerable: false });
    return h;
  };
  const show = async (content: DisplayContent, displayId: string = randomUUID()): Promise<DisplayHandle> => {
    sink().display(content, displayId, false);
    return handle(displayId);
  };
  const display = (async (x: unknown, opts: { displayId?: string } = {}) => {
    const where = scope ? cellSiteOf(new Error().stack) : undefined;
    const content = scope ? await scope("display", where, () => toDisplayContent(x, true)) : await toDisplayContent(x, true);
    const h = await show(content, opts.displayId);
    liveDisplayOf(x)?.((bundle) => sink().display(liveContent(bundle), h.displayId, true));
    return h;
  }) as DisplayFunction;
  display.html = (html) => show({ data: { "text/html": html, "text/plain": "[HTML]" }, metadata: {} });
  display.markdown = (md) => show({ data: { "text/markdown": md, "text/plain": md }, metadata: {} });
  display.svg = (svg) => show({ data: { "image/svg+xml": svg, "text/plain": "[SVG]" }, metadata: {} });
  display.json = (value) => show({ data: { "application/json": value as unknown, "text/plain": plainText(value) }, metadata: {} });
  display.bundle = (data, metadata = {}) => show({ data: normalizeData({ "text/plain": "[display]", ...data }), metadata });
  display.clear = (wait = false) => sink().clear(wait);
  return display;
}
