// A small JSON parser that keeps each number's source text, because Spark's JSON inference
// depends on it (1 -> bigint, 1.0 -> double, 12345678901234567890 -> decimal) and JSON.parse
// would erase the difference. Also accepts Jackson's lenient bits Spark enables by default:
// single-quoted strings and NaN/Infinity.

export class JsonNumber {
  constructor(readonly text: string) {}
  get isIntegral(): boolean {
    return /^-?\d+$/.test(this.text);
  }
  toNumber(): number {
    return Number(this.text);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [k: string]: JsonValue };

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

export interface JsonParseOptions {
  allowSingleQuotes?: boolean;
  allowNonNumericNumbers?: boolean;
  allowComments?: boolean;
  allowUnquotedFieldNames?: boolean;
}

export function parseJson(text: string, opts: JsonParseOptions = {}): JsonValue {
  const p = new Parser(text, opts);
  const v = p.value();
  p.ws();
  if (p.i < text.length) p.err("trailing characters");
  return v;
}

const NUM_RE = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const IDENT_RE = /[A-Za-z_$][\w$]*/y;

// A class rather than nested closures: parsing runs once per input line, and per-call closures
// cost more than the parsing itself on short lines.
/** Deepest nesting of objects and arrays accepted (Jackson's StreamReadConstraints default). */
export const MAX_JSON_DEPTH = 1000;

class Parser {
  i = 0;
  depth = 0;
  constructor(readonly text: string, readonly opts: JsonParseOptions) {}

  err(msg: string): never {
    throw new JsonSyntaxError(`${msg} at position ${this.i}`, this.i);
  }

  ws(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) { this.i++; continue; }
      if (this.opts.allowComments && c === 47) {
        if (t[this.i + 1] === "/") { const e = t.indexOf("\n", this.i); this.i = e < 0 ? t.length : e + 1; continue; }
        if (t[this.i + 1] === "*") { const e = t.indexOf("*/", this.i + 2); this.i = e < 0 ? t.length : e + 2; continue; }
      }
      return;
    }
  }

  str(q: string): string {
    const t = this.text;
    this.i++;
    // Fast path: no escapes before the closing quote.
    const close = t.indexOf(q, this.i);
    if (close < 0) this.err("unterminated string");
    const bs = t.indexOf("\\", this.i);
    if (bs < 0 || bs > close) {
      const out = t.slice(this.i, close);
      for (let k = 0; k < out.length; k++) if (out.charCodeAt(k) < 32 && out.charCodeAt(k) !== 9) { this.i += k; this.err("control character in string"); }
      this.i = close + 1;
      return out;
    }
    let out = "";
    let start = this.i;
    for (;;) {
      if (this.i >= t.length) this.err("unterminated string");
      const c = t[this.i]!;
      if (c === q) { out += t.slice(start, this.i); this.i++; return out; }
      if (c === "\\") {
        out += t.slice(start, this.i);
        const e = t[this.i + 1];
        switch (e) {
          case '"': out += '"'; break;
          case "'": out += "'"; break;
          case "\\": out += "\\"; break;
          case "/": out += "/"; break;
          case "b": out += "\b"; break;
          case "f": out += "\f"; break;
          case "n": out += "\n"; break;
          case "r": out += "\r"; break;
          case "t": out += "\t"; break;
          case "u": {
            const h = t.slice(this.i + 2, this.i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(h)) this.err("bad unicode escape");
            out += String.fromCharCode(parseInt(h, 16));
            this.i += 4;
            break;
          }
          default: this.err("bad escape");
        }
        this.i += 2;
        start = this.i;
        continue;
      }
      if (c < " " && c !== "\t") this.err("control character in string");
      this.i++;
    }
  }

  value(): JsonValue {
    this.ws();
    const t = this.text;
    const c = t[this.i];
    if (c === "{") {
      if (++this.depth > MAX_JSON_DEPTH) this.err(`document nesting depth exceeds the maximum allowed (${MAX_JSON_DEPTH})`);
      this.i++;
      const obj: { [k: string]: JsonValue } = {};
      this.ws();
      if (t[this.i] === "}") { this.i++; this.depth--; return obj; }
      for (;;) {
        this.ws();
        let key: string;
        const k0 = t[this.i];
        if (k0 === '"') key = this.str('"');
        else if (k0 === "'" && this.opts.allowSingleQuotes !== false) key = this.str("'");
        else if (this.opts.allowUnquotedFieldNames) {
          IDENT_RE.lastIndex = this.i;
          const m = IDENT_RE.exec(t);
          if (!m) this.err("expected field name");
          key = m![0];
          this.i += key.length;
        } else return this.err("expected field name");
        this.ws();
        if (t[this.i] !== ":") this.err("expected ':'");
        this.i++;
        const v = this.value();
        // defineProperty only for the one key that would otherwise set the prototype.
        if (key === "__proto__") Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
        this.ws();
        const d = t[this.i];
        if (d === ",") { this.i++; continue; }
        if (d === "}") { this.i++; this.depth--; return obj; }
        this.err("expected ',' or '}'");
      }
    }
    if (c === "[") {
      if (++this.depth > MAX_JSON_DEPTH) this.err(`document nesting depth exceeds the maximum allowed (${MAX_JSON_DEPTH})`);
      this.i++;
      const arr: JsonValue[] = [];
      this.ws();
      if (t[this.i] === "]") { this.i++; this.depth--; return arr; }
      for (;;) {
        arr.push(this.value());
        this.ws();
        const d = t[this.i];
        if (d === ",") { this.i++; continue; }
        if (d === "]") { this.i++; this.depth--; return arr; }
        this.err("expected ',' or ']'");
      }
    }
    if (c === '"') return this.str('"');
    if (c === "'" && this.opts.allowSingleQuotes !== false) return this.str("'");
    if (c === "t" && t.startsWith("true", this.i)) { this.i += 4; return true; }
    if (c === "f" && t.startsWith("false", this.i)) { this.i += 5; return false; }
    if (c === "n" && t.startsWith("null", this.i)) { this.i += 4; return null; }
    if (this.opts.allowNonNumericNumbers !== false && (c === "N" || c === "I" || c === "+" || c === "-")) {
      for (const w of NON_NUMERIC) {
        if (t.startsWith(w, this.i)) { this.i += w.length; return new JsonNumber(w.replace("+", "")); }
      }
    }
    NUM_RE.lastIndex = this.i;
    const m = NUM_RE.exec(t);
    if (m && m[0].length > 0) { this.i += m[0].length; return new JsonNumber(m[0]); }
    return this.err(this.i >= t.length ? "unexpected end of input" : `unexpected character '${c}'`);
  }
}

const NON_NUMERIC = ["NaN", "Infinity", "+Infinity", "-Infinity"];

/** JSON text of a parsed value (numbers keep their source text). */
export function stringifyJson(v: JsonValue): string {
  if (v === null) return "null";
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "[" + v.map(stringifyJson).join(",") + "]";
  return "{" + Object.keys(v).map((k) => JSON.stringify(k) + ":" + stringifyJson(v[k]!)).join(",") + "}";
}
