// Splits CSV text into records and fields (the univocity part of Spark's CSV source): separator
// (one or more characters), quote, escape (inside quotes, escape+quote is a literal quote; a
// doubled quote is accepted too, as RFC 4180 writes it), optional whitespace trimming, and
// records that span lines when multiLine is on.

export interface CsvSyntax {
  sep: string;
  quote: string; // "\u0000" disables quoting
  escape: string;
  ignoreLeadingWhiteSpace: boolean;
  ignoreTrailingWhiteSpace: boolean;
}

export interface CsvField {
  text: string;
  quoted: boolean;
}

export interface CsvRecord {
  fields: CsvField[];
  /** Index just past the record (after its line terminator). */
  end: number;
  /** Raw text of the record (without the final line terminator), for _corrupt_record. */
  raw: string;
  /** Number of line breaks inside the record (multiLine), to keep line numbers right. */
  newlines: number;
}

const isWs = (c: string | undefined) => c === " " || c === "\t";

/**
 * Parse one record of `text` starting at `pos`. Without multiLine, `text` is one line and the
 * record ends at its end; with multiLine, the record ends at the first unquoted line break.
 */
export function parseRecord(text: string, pos: number, syn: CsvSyntax, multiLine: boolean): CsvRecord {
  const { sep, quote, escape } = syn;
  const fields: CsvField[] = [];
  const n = text.length;
  let i = pos;
  let newlines = 0;
  let recordEnd = n;
  let after = n;
  for (;;) {
    // one field
    let buf = "";
    let quoted = false;
    let j = i;
    if (syn.ignoreLeadingWhiteSpace) while (isWs(text[j])) j++;
    if (quote !== "\u0000" && text[j] === quote) {
      quoted = true;
      j++;
      for (;;) {
        if (j >= n) break; // unterminated quote: the field runs to the end
        const c = text[j]!;
        if (c === escape && escape !== quote && text[j + 1] === quote) { buf += quote; j += 2; continue; }
        if (c === escape && escape !== quote && text[j + 1] === escape) { buf += escape; j += 2; continue; }
        if (c === quote) {
          if (text[j + 1] === quote) { buf += quote; j += 2; continue; }
          j++;
          break;
        }
        if (c === "\n") newlines++;
        buf += c;
        j++;
      }
      // Characters between the closing quote and the separator are kept (malformed but lossless).
      while (j < n && !text.startsWith(sep, j) && !(multiLine && (text[j] === "\n" || (text[j] === "\r" && text[j + 1] === "\n")))) {
        if (!(syn.ignoreTrailingWhiteSpace && isWs(text[j]))) buf += text[j];
        j++;
      }
    } else {
      let k = j;
      while (k < n && !text.startsWith(sep, k) && !(multiLine && (text[k] === "\n" || (text[k] === "\r" && text[k + 1] === "\n")))) k++;
      buf = text.slice(j, k);
      if (syn.ignoreTrailingWhiteSpace) buf = buf.replace(/[ \t]+$/, "");
      j = k;
    }
    fields.push({ text: buf, quoted });
    if (j < n && text.startsWith(sep, j)) {
      i = j + sep.length;
      continue;
    }
    recordEnd = j;
    if (j < n && text[j] === "\r") j++;
    if (j < n && text[j] === "\n") j++;
    after = j;
    break;
  }
  let raw = text.slice(pos, recordEnd);
  if (raw.endsWith("\r")) raw = raw.slice(0, -1);
  return { fields, end: after, raw, newlines };
}

/** Quote a value for writing when it needs it (separator, quote, line break, edge whitespace). */
export function quoteField(s: string, syn: CsvSyntax, quoteAll: boolean): string {
  const q = syn.quote;
  if (q === "\u0000") return s;
  const needs = quoteAll || s === "" || s.includes(syn.sep) || s.includes(q) || s.includes("\n") || s.includes("\r") ||
    (s.length > 0 && (isWs(s[0]) || isWs(s[s.length - 1]))) || (syn.escape !== q && s.includes(syn.escape));
  if (!needs) return s;
  let body = "";
  for (const c of s) {
    if (c === q) body += (syn.escape === q ? q : syn.escape) + q;
    else if (c === syn.escape && syn.escape !== q) body += syn.escape + c;
    else body += c;
  }
  return q + body + q;
}
