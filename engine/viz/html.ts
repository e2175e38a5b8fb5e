// Small HTML builders shared by the renderers. Outputs use inline style attributes (sanitizers in
// JupyterLab/VS Code keep them, while <style> blocks may be dropped) and bdw- class names as hooks.

import { escapeXml } from "./format";

export type Attrs = Record<string, string | number | undefined>;

/** One element; `children` is already-escaped HTML. */
export function el(tag: string, attrs: Attrs, children = ""): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join("");
  return `<${tag}${a}>${children}</${tag}>`;
}

/** Escaped text. */
export const text = escapeXml;

export const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;font-size:12px;";
export const MONO = "font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace;font-size:12px;";
export const TH = "padding:3px 8px;border-bottom:1px solid #999;text-align:right;font-weight:600;white-space:nowrap;";
export const TD = "padding:2px 8px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap;";
export const TD_LEFT = TD.replace("text-align:right", "text-align:left");
export const TH_LEFT = TH.replace("text-align:right", "text-align:left");

/** A horizontal progress bar: green done, blue running, over a grey track. */
export function bar(done: number, running: number, total: number, width = 200, failed = 0): string {
  const t = Math.max(total, 1);
  const pct = (x: number) => `${Math.max(0, Math.min(100, (x / t) * 100)).toFixed(1)}%`;
  return el(
    "div",
    { class: "bdw-bar", style: `display:inline-block;position:relative;width:${width}px;height:12px;background:#e6e6e6;border-radius:3px;overflow:hidden;vertical-align:middle;` },
    el("div", { class: "bdw-bar-done", style: `position:absolute;left:0;top:0;bottom:0;width:${pct(done)};background:#3ea05a;` }) +
      el("div", { class: "bdw-bar-running", style: `position:absolute;left:${pct(done)};top:0;bottom:0;width:${pct(running)};background:#5b9bd5;` }) +
      (failed > 0 ? el("div", { class: "bdw-bar-failed", style: `position:absolute;right:0;top:0;bottom:0;width:${pct(failed)};background:#d9534f;` }) : ""),
  );
}
