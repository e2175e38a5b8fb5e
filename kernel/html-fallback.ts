// The text/html of the workbench's own rich outputs must read well where the notebook is not
// trusted: Jupyter's sanitizers (classic Notebook's, JupyterLab's for HTML it cannot trust) drop
// SVG elements and leave their text behind as a jumble. An <img> whose source is the SVG as a data
// URI survives them, so inline <svg> in our fallbacks is sent that way. (JupyterLab with the
// workbench's extension draws the interactive view from the JSON payload instead.)

/** Each outermost inline <svg>…</svg> of `html` as an <img> with the SVG as a data URI. */
export function svgAsImages(html: string): string {
  let out = "";
  let i = 0;
  for (;;) {
    const start = findTag(html, "<svg", i);
    if (start < 0) return out + html.slice(i);
    let depth = 0;
    let j = start;
    let end = -1;
    while (j < html.length) {
      const open = findTag(html, "<svg", j);
      const close = html.indexOf("</svg>", j);
      if (close < 0) break;
      if (open >= 0 && open < close) { depth++; j = open + 4; continue; }
      depth--;
      j = close + 6;
      if (depth === 0) { end = j; break; }
    }
    if (end < 0) return out + html.slice(i); // not well formed: leave it alone
    out += html.slice(i, start) + asImage(html.slice(start, end));
    i = end;
  }
}

/** `<svg` followed by whitespace, `>` or `/`: not `<svgfoo`. */
function findTag(s: string, tag: string, from: number): number {
  for (let k = s.indexOf(tag, from); k >= 0; k = s.indexOf(tag, k + 1)) {
    const c = s[k + tag.length];
    if (c === undefined || c === ">" || c === "/" || /\s/.test(c)) return k;
  }
  return -1;
}

function asImage(svg: string): string {
  const head = svg.slice(0, svg.indexOf(">") + 1);
  const withNs = /\sxmlns=/.test(head) ? svg : svg.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
  const width = /\swidth="([\d.]+)(px)?"/.exec(head)?.[1];
  const title = /\saria-label="([^"]*)"/.exec(head)?.[1] ?? "diagram (the workbench's SVG drawing)";
  const size = width ? ` width="${width}"` : "";
  return `<img alt="${title}"${size} src="data:image/svg+xml;base64,${Buffer.from(withNs, "utf8").toString("base64")}"/>`;
}
