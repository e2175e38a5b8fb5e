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
  let i = 0;
  const n = text.length;
  const err = (msg: string): never => { throw new JsonSyntaxError(`${msg} at position ${i}`, i); };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) { i++; continue; }
      if (opts.allowComments && c === 47) {
        if (text[i + 1] === "/") { const e = text.indexOf("\n", i); i = e < 0 ? n : e + 1; continue; }
        if (text[i + 1] === "*") { const e = text.indexOf("*/", i + 2); i = e < 0 ? n : e + 2; continue; }
      }
      break;
    }
  };
  const str = (q: string): string => {
    i++;
    let out = "";
    let start = i;
    for (;;) {
      if (i >= n) err("unterminated string");
      const c = text[i]!;
      if (c === q) { out += text.slice(start, i); i++; return out; }
      if (c === "\\") {
        out += text.slice(start, i);
        const e = text[i + 1];
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
            const h = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(h)) err("bad unicode escape");
            out += String.fromCharCode(parseInt(h, 16));
            i += 4;
            break;
          }
          default: err("bad escape");
        }
        i += 2;
        start = i;
        continue;
      }
      if (c < " " && c !== "\t") err("control character in string");
      i++;
    }
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: { [k: string]: JsonValue } = {};
      ws();
      if (text[i] === "}") { i++; return obj; }
      for (;;) {
        ws();
        let key: string;
        if (text[i] === '"') key = str('"');
        else if (text[i] === "'" && opts.allowSingleQuotes !== false) key = str("'");
        else if (opts.allowUnquotedFieldNames && /[A-Za-z_$]/.test(text[i] ?? "")) {
          const m = /^[A-Za-z_$][\w$]*/.exec(text.slice(i))!;
          key = m[0];
          i += key.length;
        } else return err("expected field name");
        ws();
        if (text[i] !== ":") err("expected ':'");
        i++;
        const v = value();
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return obj; }
        err("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === "]") { i++; return arr; }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return arr; }
        err("expected ',' or ']'");
      }
    }
    if (c === '"') return str('"');
    if (c === "'" && opts.allowSingleQuotes !== false) return str("'");
    if (text.startsWith("true", i)) { i += 4; return true; }
    if (text.startsWith("false", i)) { i += 5; return false; }
    if (text.startsWith("null", i)) { i += 4; return null; }
    if (opts.allowNonNumericNumbers !== false) {
      for (const w of ["NaN", "Infinity", "+Infinity", "-Infinity"]) {
        if (text.startsWith(w, i)) { i += w.length; return new JsonNumber(w.replace("+", "")); }
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) { i += m[0].length; return new JsonNumber(m[0]); }
    return err(i >= n ? "unexpected end of input" : `unexpected character '${c}'`);
  };
  const v = value();
  ws();
  if (i < n) err("trailing characters");
  return v;
}

/** JSON text of a parsed value (numbers keep their source text). */
export function stringifyJson(v: JsonValue): string {
  if (v === null) return "null";
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "[" + v.map(stringifyJson).join(",") + "]";
  return "{" + Object.keys(v).map((k) => JSON.stringify(k) + ":" + stringifyJson(v[k]!)).join(",") + "}";
}
