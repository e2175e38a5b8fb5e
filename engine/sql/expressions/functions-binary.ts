// Binary and text-format functions: unhex, to_binary, encode / decode (charsets, and decode's
// CASE-like form), luhn_check, split_part, to_number / try_to_number, and lpad / rpad over BINARY
// (byte padding, X'00' by default). Spark semantics: unhex of bad hex is NULL, to_binary of bad
// input raises; an odd number of hex digits reads the first one as a byte of its own.

import { AnalysisError, ExecutionError } from "../../common/errors";
import { type DataType, BinaryType, BooleanType, StringType } from "../types";
import { register, simple, coerceArg, coerceToCommon, typeOf, lookupFunction, type ScalarDef } from "./registry";
import { valuesEqual } from "./compare";
import { checkStringSize } from "./size-limits";
import "./functions-string";

const bytes = (b: Buffer | Uint8Array): Uint8Array => new Uint8Array(b);

/** Spark's Hex.unhex: null on a non-hex digit; an odd length reads the first digit alone. */
export function unhexBytes(s: string): Uint8Array | null {
  if (!/^[0-9a-fA-F]*$/.test(s)) return null;
  return bytes(Buffer.from(s.length % 2 ? "0" + s : s, "hex"));
}

const CHARSETS: Record<string, BufferEncoding> = {
  "utf-8": "utf8", utf8: "utf8", "us-ascii": "ascii", "iso-8859-1": "latin1", "utf-16le": "utf16le", "utf-16": "utf16le", "utf-16be": "utf16le",
};

function charset(name: string, fn: string): { enc: BufferEncoding; be: boolean } {
  const k = name.toLowerCase();
  const enc = CHARSETS[k];
  if (!enc) {
    throw new ExecutionError("INVALID_PARAMETER_VALUE.CHARSET",
      `The value of parameter(s) \`charset\` in \`${fn}\` is invalid: expects one of the charsets 'US-ASCII', 'ISO-8859-1', 'UTF-8', 'UTF-16BE', 'UTF-16LE', 'UTF-16', but got ${name}.`,
      { parameters: { functionName: `\`${fn}\``, parameter: "`charset`", charset: name } });
  }
  return { enc, be: k === "utf-16be" || k === "utf-16" };
}

function encodeText(s: string, cs: string): Uint8Array {
  const { enc, be } = charset(cs, "encode");
  const b = Buffer.from(s, enc);
  if (be) b.swap16();
  return bytes(b);
}

function decodeBytes(b: Uint8Array, cs: string): string {
  const { enc, be } = charset(cs, "decode");
  const buf = Buffer.from(b);
  if (be && buf.length % 2 === 0) buf.swap16();
  return buf.toString(enc);
}

function binaryFormatError(fmt: string, value: string): ExecutionError {
  return new ExecutionError("CONVERSION_INVALID_INPUT",
    `The value '${value}' (STRING) cannot be converted to BINARY because it is malformed. Correct the value as per the syntax, or change its format. Use 'try_to_binary' to tolerate malformed input and return NULL instead.`,
    { parameters: { str: value, fmt, targetType: "BINARY", suggestion: "try_to_binary" } });
}

/** Base64 text as Spark's to_binary reads it: whitespace ignored, padding only at the end. */
function base64Bytes(s: string): Uint8Array | null {
  if (/=\s+=/.test(s) || /=\s*[^=\s]/.test(s)) return null;
  const t = s.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return null;
  const bare = t.replace(/=+$/, "");
  if (bare.length % 4 === 1 || (t.includes("=") && t.length % 4 !== 0)) return null;
  return bytes(Buffer.from(t, "base64"));
}

function toBinary(s: string, fmt: string, tryMode: boolean): Uint8Array | null {
  const f = fmt.toLowerCase();
  let r: Uint8Array | null;
  if (f === "hex") r = unhexBytes(s);
  else if (f === "base64") r = base64Bytes(s);
  else if (f === "utf-8" || f === "utf8") r = bytes(Buffer.from(s, "utf8"));
  else {
    throw new AnalysisError("INVALID_PARAMETER_VALUE.BINARY_FORMAT",
      `The value of parameter(s) \`format\` in \`to_binary\` is invalid: expects one of binary formats 'base64', 'hex', 'utf-8', but got '${fmt}'.`);
  }
  if (r === null && !tryMode) throw binaryFormatError(f, s);
  return r;
}

register(simple("unhex", ["string"], BinaryType, ([s]) => unhexBytes(s as string)));
register(simple("encode", ["string", "string"], BinaryType, ([s, cs]) => encodeText(s as string, cs as string)));

for (const tryMode of [false, true]) {
  const name = tryMode ? "try_to_binary" : "to_binary";
  register({
    kind: "scalar", name, minArgs: 1, maxArgs: 2, nullSafe: true,
    resolve(args, node) {
      if (args[1] && args[1].kind !== "lit") {
        // The format must be a constant (Spark folds it); a foldable expression is evaluated on the driver.
        const f = args[1];
        if (f.kind === "attr") throw new AnalysisError("INVALID_PARAMETER_VALUE.BINARY_FORMAT", `The value of parameter(s) \`format\` in \`${name}\` is invalid: expects a constant format.`);
      }
      const a = [coerceArg(node, args, 0, "string"), ...(args[1] ? [coerceArg(node, args, 1, "string")] : [])];
      return { args: a, dataType: BinaryType };
    },
    eval([s, fmt], info) {
      if (info.node.args.length > 1 && (fmt === null || fmt === undefined)) return null;
      if (s === null || s === undefined) return null;
      return toBinary(s as string, (fmt as string | undefined) ?? "hex", tryMode);
    },
  });
}

// decode(bin, charset) turns bytes into text; decode(expr, search1, result1, ..., [default]) is a CASE.
register({
  kind: "scalar", name: "decode", minArgs: 2, maxArgs: Infinity, nullSafe: true,
  resolve(args, node) {
    if (args.length === 2) return { args: [coerceArg(node, args, 0, BinaryType), coerceArg(node, args, 1, "string")], dataType: StringType };
    const searches = [], results = [];
    for (let i = 1; i + 1 < args.length; i += 2) { searches.push(args[i]!); results.push(args[i + 1]!); }
    const hasDefault = (args.length - 1) % 2 === 1;
    if (hasDefault) results.push(args[args.length - 1]!);
    const keys = coerceToCommon(node, [args[0]!, ...searches]);
    const vals = coerceToCommon(node, results);
    const out: typeof args = [keys.args[0]!];
    for (let i = 0; i < searches.length; i++) out.push(keys.args[i + 1]!, vals.args[i]!);
    if (hasDefault) out.push(vals.args[vals.args.length - 1]!);
    return { args: out, dataType: vals.type, nullable: true };
  },
  eval(vals, info) {
    if (vals.length === 2) {
      const [b, cs] = vals;
      if (b === null || b === undefined || cs === null || cs === undefined) return null;
      return decodeBytes(b as Uint8Array, cs as string);
    }
    const [x, ...rest] = vals;
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const k = rest[i];
      // Like Oracle's DECODE: NULL matches NULL.
      if ((x === null || x === undefined) ? k === null || k === undefined : k !== null && k !== undefined && valuesEqual(x, k)) return rest[i + 1] ?? null;
    }
    void info;
    return rest.length % 2 === 1 ? rest[rest.length - 1] ?? null : null;
  },
});

register(simple("luhn_check", ["string"], BooleanType, ([s]) => {
  const t = s as string;
  if (!/^\d+$/.test(t)) return false;
  let sum = 0;
  for (let i = 0; i < t.length; i++) {
    let d = t.charCodeAt(t.length - 1 - i) - 48;
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}));

register(simple("split_part", ["string", "string", "int"], StringType, ([s, d, n]) => {
  const str = s as string, delim = d as string, k = n as number;
  if (k === 0) {
    throw new ExecutionError("INVALID_INDEX_OF_ZERO", "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1).");
  }
  const parts = delim === "" ? [str] : str.split(delim);
  const i = k > 0 ? k - 1 : parts.length + k;
  return i >= 0 && i < parts.length ? parts[i]! : "";
}));

// ---- to_number ------------------------------------------------------------------------------------

interface NumberFormat { precision: number; scale: number; intDigits: number; fracDigits: number; dollar: boolean; sign: "S" | "MI" | "PR" | null; group: boolean }

function numberFormat(fmt: string, fn: string): NumberFormat {
  let f = fmt.toUpperCase();
  let sign: NumberFormat["sign"] = null;
  if (f.startsWith("S") ) { sign = "S"; f = f.slice(1); } else if (f.endsWith("S")) { sign = "S"; f = f.slice(0, -1); }
  else if (f.endsWith("MI")) { sign = "MI"; f = f.slice(0, -2); } else if (f.endsWith("PR")) { sign = "PR"; f = f.slice(0, -2); }
  const dollar = f.includes("$");
  f = f.replace("$", "");
  if (!/^[09,G]*([.D][09]*)?$/.test(f) || !/[09]/.test(f)) {
    throw new AnalysisError("INVALID_FORMAT.UNEXPECTED_TOKEN", `The format is invalid: '${fmt}'.`, { parameters: { format: fmt, function: fn } });
  }
  const [ip, fp = ""] = f.split(/[.D]/);
  const intDigits = (ip!.match(/[09]/g) ?? []).length, fracDigits = (fp.match(/[09]/g) ?? []).length;
  return { precision: intDigits + fracDigits, scale: fracDigits, intDigits, fracDigits, dollar, sign, group: /[,G]/.test(ip!) };
}

function parseNumber(s: string, f: NumberFormat, fmt: string, tryMode: boolean): number | null {
  const fail = (): null => {
    if (tryMode) return null;
    throw new ExecutionError("INVALID_FORMAT.MISMATCH_INPUT", `The input '${s}' does not match the format '${fmt}'.`, { parameters: { inputString: s, format: fmt } });
  };
  let t = s, neg = false;
  if (f.sign === "PR") { const m = /^<(.*)>$/.exec(t); if (m) { neg = true; t = m[1]!; } }
  else if (f.sign === "MI") { if (t.endsWith("-")) { neg = true; t = t.slice(0, -1); } else if (t.endsWith("+")) t = t.slice(0, -1); }
  else if (f.sign === "S") { const m = /^([+-])|([+-])$/.exec(t); if (m) { neg = (m[1] ?? m[2]) === "-"; t = t.replace(/^[+-]|[+-]$/, ""); } }
  if (f.dollar) { if (!t.startsWith("$")) return fail(); t = t.slice(1); }
  if (!f.group && t.includes(",")) return fail();
  t = t.replace(/,/g, "");
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[1] === "" && !m[2])) return fail();
  if (m[1]!.replace(/^0+(?=\d)/, "").length > f.intDigits || (m[2] ?? "").length > f.fracDigits) return fail();
  const v = Number(t);
  return neg ? -v : v;
}

for (const tryMode of [false, true]) {
  const name = tryMode ? "try_to_number" : "to_number";
  register({
    kind: "scalar", name, minArgs: 2, maxArgs: 2,
    resolve(args, node) {
      const fmt = args[1]!;
      if (fmt.kind !== "lit" || typeof fmt.value !== "string") {
        throw new AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT", `The input \`format\` should be a foldable STRING expression.`);
      }
      const f = numberFormat(fmt.value, name);
      const dataType: DataType = { type: "decimal", precision: Math.max(1, f.precision), scale: f.scale };
      return { args: [coerceArg(node, args, 0, "string"), fmt], dataType, nullable: true };
    },
    eval([s, fmt]) { return parseNumber(s as string, numberFormat(fmt as string, name), fmt as string, tryMode); },
  });
}

// ---- lpad / rpad over BINARY ------------------------------------------------------------------------

function padDef(name: "lpad" | "rpad", textPad: ScalarDef): ScalarDef {
  return {
    ...textPad,
    resolve(args, node) {
      const t0 = typeOf(args[0]!), t2 = args[2] ? typeOf(args[2]) : undefined;
      if (t0.type === "binary" && (t2 === undefined || t2.type === "binary")) {
        const pad = args[2] ?? ({ kind: "lit", value: new Uint8Array([0]), dataType: BinaryType } as (typeof args)[number]);
        return { args: [args[0]!, coerceArg(node, args, 1, "int"), pad], dataType: BinaryType };
      }
      return textPad.resolve(args, node);
    },
    eval(vals, info) {
      if (info.dataType.type !== "binary") return textPad.eval!(vals, info);
      const [s, n, p] = vals as [Uint8Array, number, Uint8Array];
      if (n <= 0) return new Uint8Array(0);
      if (s.length >= n) return s.slice(0, n);
      if (p.length === 0) return s;
      checkStringSize(name, "len", n);
      const fill = new Uint8Array(n - s.length);
      for (let i = 0; i < fill.length; i++) fill[i] = p[i % p.length]!;
      const out = new Uint8Array(n);
      if (name === "lpad") { out.set(fill, 0); out.set(s, fill.length); } else { out.set(s, 0); out.set(fill, s.length); }
      return out;
    },
  };
}

for (const name of ["lpad", "rpad"] as const) {
  const text = lookupFunction(name);
  if (text?.kind === "scalar") register(padDef(name, text));
}
