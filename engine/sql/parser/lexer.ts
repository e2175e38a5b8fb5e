// The SQL lexer: turns text into tokens with exact positions, following Spark's lexical rules
// (case-insensitive words, backquoted identifiers, '...' and "..." strings with backslash
// escapes, numeric literals with L/S/Y/D/F/BD suffixes, X'hex', nested /* */ comments, hints).

import { ParseError } from "../../common/errors";
import { errorAt, SourceText } from "./source-text";

export type TokenKind =
  | "word" // unquoted identifier or keyword
  | "quoted" // `backquoted identifier`
  | "string" // '...' or "..."
  | "number"
  | "hex" // X'0AFF'
  | "op" // punctuation and operators
  | "hintStart" // /*+ right after SELECT
  | "hintEnd" // the */ closing a hint
  | "unknown" // a character no token starts with; the parser reports it
  | "eof";

export interface Token {
  kind: TokenKind;
  /** Exact source text of the token. */
  text: string;
  /** Identifier / string content after unescaping; upper-cased text for words and ops' own text. */
  value: string;
  /** Upper-case form for keyword comparison (words only; "" otherwise). */
  upper: string;
  offset: number;
  end: number;
  line: number;
  column: number;
}

const OPS3 = ["<=>"];
const OPS2 = ["->", "::", "<=", ">=", "<>", "!=", "==", "||", "=>"];
const OPS1 = "()[]{},;.*/%+-=<>!~&|^:?";

const isDigit = (c: string) => c >= "0" && c <= "9";
const isWordChar = (c: string) =>
  (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c === "_" ||
  (c > "\x7f" && /[\p{L}\p{N}]/u.test(c));
const isSpace = (c: string) => c === " " || c === "\n" || c === "\t" || c === "\r" || (c > "\x7f" ? /\s/.test(c) : c === "\f" || c === "\v");

// Longest numeric literal at a position: digits with an optional fraction and exponent, then an
// optional type suffix. L/S/Y only follow plain integers (Spark has no 1.5L literal).
const NUMBER_RE = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:[bB][dD]|[lLsSyYdDfF])?/y;

/** Tokenize `sql`. Always ends with one eof token. Throws ParseError on unclosed comments, strings and identifiers. */
export function tokenize(src: SourceText): Token[] {
  const s = src.text;
  const out: Token[] = [];
  let i = 0;
  let inHint = false;

  const push = (kind: TokenKind, start: number, end: number, value: string) => {
    const { line, column } = src.lineCol(start);
    const text = s.slice(start, end);
    out.push({ kind, text, value, upper: kind === "word" ? text.toUpperCase() : "", offset: start, end, line, column });
  };
  const prevSignificant = () => out[out.length - 1];

  while (i < s.length) {
    const c = s[i]!;
    // whitespace
    if (isSpace(c)) { i++; continue; }
    // -- line comment (to end of line)
    if (c === "-" && s[i + 1] === "-") {
      while (i < s.length && s[i] !== "\n") i++;
      continue;
    }
    if (c === "*" && s[i + 1] === "/" && inHint) {
      push("hintEnd", i, i + 2, "*/");
      i += 2;
      inHint = false;
      continue;
    }
    // bracketed comment (nests, as in Spark) or a hint right after SELECT
    if (c === "/" && s[i + 1] === "*") {
      const prev = prevSignificant();
      if (s[i + 2] === "+" && prev?.kind === "word" && prev.upper === "SELECT" && !inHint) {
        push("hintStart", i, i + 3, "/*+");
        i += 3;
        inHint = true;
        continue;
      }
      const start = i;
      let depth = 0;
      while (i < s.length) {
        if (s[i] === "/" && s[i + 1] === "*") { depth++; i += 2; continue; }
        if (s[i] === "*" && s[i + 1] === "/") { depth--; i += 2; if (depth === 0) break; continue; }
        i++;
      }
      if (depth > 0) {
        throw errorAt(src, "UNCLOSED_BRACKETED_COMMENT",
          "Found an unclosed bracketed comment. Please, append */ at the end of the comment.", start, 2);
      }
      continue;
    }
    // X'hex' binary literal
    if ((c === "x" || c === "X") && s[i + 1] === "'") {
      const start = i;
      let j = i + 2;
      while (j < s.length && s[j] !== "'") j++;
      if (j >= s.length) throw unclosed(src, start, "string literal");
      const body = s.slice(i + 2, j);
      if (!/^[0-9a-fA-F]*$/.test(body)) {
        throw errorAt(src, "PARSE_SYNTAX_ERROR",
          `Syntax error at or near '${s.slice(start, j + 1)}': invalid hexadecimal literal.`, start, j + 1 - start);
      }
      push("hex", start, j + 1, body);
      i = j + 1;
      continue;
    }
    // strings
    if (c === "'" || c === '"') {
      const start = i;
      const { value, end } = readString(src, i, c);
      push("string", start, end, value);
      i = end;
      continue;
    }
    // backquoted identifiers: `` inside stands for one backquote
    if (c === "`") {
      const start = i;
      let j = i + 1;
      let value = "";
      for (;;) {
        if (j >= s.length) throw unclosed(src, start, "quoted identifier");
        if (s[j] === "`") {
          if (s[j + 1] === "`") { value += "`"; j += 2; continue; }
          break;
        }
        value += s[j];
        j++;
      }
      push("quoted", start, j + 1, value);
      i = j + 1;
      continue;
    }
    // numbers (a digit run followed by word characters is an identifier, e.g. 1a or 10Lx)
    const prev = prevSignificant();
    const afterName = prev && (prev.kind === "word" || prev.kind === "quoted" || (prev.kind === "op" && (prev.text === ")" || prev.text === "]")));
    if (isDigit(c) || (c === "." && isDigit(s[i + 1] ?? "") && !afterName)) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(s)!;
      let text = m[0];
      if (/[lsy]$/i.test(text) && /[.eE]/.test(text.slice(0, -1))) text = text.slice(0, -1);
      let wordEnd = i;
      while (wordEnd < s.length && isWordChar(s[wordEnd]!)) wordEnd++;
      if (wordEnd - i > text.length) {
        push("word", i, wordEnd, s.slice(i, wordEnd));
        i = wordEnd;
      } else {
        push("number", i, i + text.length, text);
        i += text.length;
      }
      continue;
    }
    if (isWordChar(c)) {
      const start = i;
      while (i < s.length && isWordChar(s[i]!)) i++;
      push("word", start, i, s.slice(start, i));
      continue;
    }
    const three = s.slice(i, i + 3);
    if (OPS3.includes(three)) { push("op", i, i + 3, three); i += 3; continue; }
    const two = s.slice(i, i + 2);
    if (OPS2.includes(two)) { push("op", i, i + 2, two); i += 2; continue; }
    if (OPS1.includes(c)) { push("op", i, i + 1, c); i += 1; continue; }
    // a surrogate pair stays one unknown token so the caret covers the whole character
    const width = c.codePointAt(0)! > 0xffff ? 2 : 1;
    push("unknown", i, i + width, s.slice(i, i + width));
    i += width;
  }
  if (inHint) {
    throw errorAt(src, "UNCLOSED_BRACKETED_COMMENT",
      "Found an unclosed bracketed comment. Please, append */ at the end of the comment.", s.length, 0);
  }
  // End of input sits right after the last token, so "missing ..." errors point at the line that
  // needs more rather than at trailing blank lines or comments.
  const eofAt = out.length > 0 ? out[out.length - 1]!.end : 0;
  const { line, column } = src.lineCol(eofAt);
  out.push({ kind: "eof", text: "", value: "", upper: "", offset: eofAt, end: eofAt, line, column });
  return out;
}

function unclosed(src: SourceText, start: number, what: string): ParseError {
  const frag = src.text.slice(start, Math.min(src.text.length, start + 20)).split("\n")[0]!;
  return errorAt(src, "PARSE_SYNTAX_ERROR", `Syntax error at or near '${frag}': unclosed ${what}.`, start, frag.length);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "0": "\0", b: "\b", n: "\n", r: "\r", t: "\t", Z: "\x1a", "'": "'", '"': '"', "\\": "\\",
};

/**
 * Read a quoted string starting at `start` (the quote). Spark's unescaping: \n \t \r \b \0 \Z,
 * \uXXXX, octal \ddd; \% and \_ keep the backslash (they are LIKE escapes); any other \c is c.
 */
function readString(src: SourceText, start: number, quote: string): { value: string; end: number } {
  const s = src.text;
  let j = start + 1;
  let value = "";
  for (;;) {
    if (j >= s.length) throw unclosed(src, start, "string literal");
    const ch = s[j]!;
    if (ch === quote) return { value, end: j + 1 };
    if (ch === "\\") {
      const n = s[j + 1];
      if (n === undefined) throw unclosed(src, start, "string literal");
      if (n === "u" && /^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) {
        value += String.fromCharCode(parseInt(s.slice(j + 2, j + 6), 16));
        j += 6;
        continue;
      }
      if (/^[0-3][0-7][0-7]$/.test(s.slice(j + 1, j + 4))) {
        value += String.fromCharCode(parseInt(s.slice(j + 1, j + 4), 8));
        j += 4;
        continue;
      }
      if (n === "%" || n === "_") { value += "\\" + n; j += 2; continue; }
      value += SIMPLE_ESCAPES[n] ?? n;
      j += 2;
      continue;
    }
    value += ch;
    j++;
  }
}
