// Escaping text for HTML and XML (SVG): one function for every package that writes markup (the
// renderers in engine/viz, and the MapReduce, dataflow and Pregel views that sit below them).

/** Escape text for HTML and XML (SVG) content and attribute values. */
export function escapeXml(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case "&": out += "&amp;"; break;
      case "<": out += "&lt;"; break;
      case ">": out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case "'": out += "&#39;"; break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0 at all.
        if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) out += "\uFFFD";
        else out += ch;
    }
  }
  return out;
}
