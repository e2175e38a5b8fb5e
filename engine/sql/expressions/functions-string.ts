// String functions with Spark's edge cases: 1-based substring with negative positions, lpad/rpad
// truncation, concat null propagation vs concat_ws skipping nulls, LIKE with % _ and escapes,
// Java-style format_string. Regexes are compiled once per literal pattern.

import { decimalText } from "../../common/decimal";
import { createHash } from "node:crypto";
import { AnalysisError, editDistance, ExecutionError } from "../../common/errors";
import { exprSql } from "./print";
import { type DataType, StringType, IntegerType, BooleanType, ArrayType } from "../types";
import { register, simple as simpleDef, coerceArg, typeOf, mkCast, lookupFunction, type ScalarDef, type RowFn } from "./registry";
import { javaDoubleToString } from "../text-format";
import { checkStringSize } from "./size-limits";
import { operandScale } from "./decimal-arith";

/** registry.simple with BINARY arguments read as their UTF-8 text (Spark casts binary to string for these). */
const simple: typeof simpleDef = (name, expects, result, evalFn, opts) =>
  simpleDef(name, expects, result, (vals, info) => evalFn(vals.map(utf8), info), opts);

/** Spark's UTF8String.substringSQL. */
export function substringSql(s: string, pos: number, len = Number.MAX_SAFE_INTEGER): string {
  const chars = [...s];
  const n = chars.length;
  let start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
  const end = len >= Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : start + len;
  start = Math.max(start, 0);
  if (start >= end) return "";
  return chars.slice(start, Math.min(end, n)).join("");
}

/** Translate a SQL LIKE pattern into an anchored RegExp. */
export function likeToRegExp(pattern: string, escape = "\\", flags = "s"): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === escape && i + 1 < pattern.length) { re += escapeRe(pattern[++i]!); continue; }
    if (ch === "%") re += ".*";
    else if (ch === "_") re += ".";
    else re += escapeRe(ch);
  }
  return new RegExp("^" + re + "$", flags);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Spark patterns are Java regexes; translate the few common differences (inline flags). */
export function javaRegex(p: string, flags = ""): RegExp {
  let f = flags;
  let src = p;
  const m = /^\(\?([imsx]+)\)/.exec(src);
  if (m) { src = src.slice(m[0].length); for (const c of m[1]!) if ("ims".includes(c) && !f.includes(c)) f += c; }
  return new RegExp(src, f);
}

function cachedRegex(make: (p: string) => RegExp): (p: string) => RegExp {
  let lastP: string | undefined;
  let lastR: RegExp | undefined;
  return (p) => {
    if (p !== lastP) { lastP = p; lastR = make(p); }
    return lastR!;
  };
}

const str = (name: string, f: (s: string) => unknown, result: DataType = StringType, ...aliases: string[]) =>
  register(simple(name, ["string"], result, ([s]) => f(s as string)), ...aliases);

str("upper", (s) => s.toUpperCase(), StringType, "ucase");
str("lower", (s) => s.toLowerCase(), StringType, "lcase");
str("reverse_string", (s) => [...s].reverse().join(""));
str("initcap", (s) => s.toLowerCase().split(" ").map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w)).join(" "));
str("ascii", (s) => (s.length ? s.codePointAt(0)! : 0), IntegerType);
str("md5", (s) => createHash("md5").update(s).digest("hex"));
str("sha1", (s) => createHash("sha1").update(s).digest("hex"), StringType, "sha");
str("base64", (s) => Buffer.from(s, "utf8").toString("base64"));
str("unbase64", (s) => new Uint8Array(Buffer.from(s, "base64")), { type: "binary" });
str("soundex", (s) => soundex(s));

register({
  kind: "scalar", name: "length", minArgs: 1, maxArgs: 1,
  resolve(args, node) {
    const t = typeOf(args[0]!);
    return { args: t.type === "binary" ? args : [coerceArg(node, args, 0, "string")], dataType: IntegerType };
  },
  eval([s]) { return s instanceof Uint8Array ? s.length : [...(s as string)].length; },
}, "char_length", "character_length", "len");
register(simple("octet_length", ["string"], IntegerType, ([s]) => Buffer.byteLength(s as string)));
register(simple("bit_length", ["string"], IntegerType, ([s]) => Buffer.byteLength(s as string) * 8));

// Spark trims only the space character (not tabs/newlines) unless a trim string is given.
function trimmer(name: string, left: boolean, right: boolean): ScalarDef {
  return simple(name, ["string", "string"], StringType, ([s, chars]) => {
    const set = new Set([...((chars as string | undefined) ?? " ")]);
    const cs = [...(s as string)];
    let i = 0, j = cs.length;
    if (left) while (i < j && set.has(cs[i]!)) i++;
    if (right) while (j > i && set.has(cs[j - 1]!)) j--;
    return cs.slice(i, j).join("");
  }, { minArgs: 1 });
}
register(trimmer("trim", true, true), "btrim");
register(trimmer("ltrim", true, false));
register(trimmer("rtrim", false, true));

register(simple("substring", ["string", "int", "int"], StringType,
  ([s, p, l]) => substringSql(s as string, p as number, l === undefined ? undefined : (l as number)), { minArgs: 2 }), "substr");
register(simple("left", ["string", "int"], StringType, ([s, n]) => substringSql(s as string, 1, n as number)));
register(simple("right", ["string", "int"], StringType, ([s, n]) => ((n as number) <= 0 ? "" : substringSql(s as string, -(n as number)))));

/** A string argument that may arrive as BINARY (the "string" expectation lets bytes through): its UTF-8 text. */
function utf8(v: unknown): string {
  return v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : (v as string);
}

function pad(name: string, leftSide: boolean): ScalarDef {
  return simple(name, ["string", "int", "string"], StringType, ([s0, len0, p0]) => {
    const s = [...(s0 as string)], len = len0 as number, p = [...((p0 as string | undefined) ?? " ")];
    if (len <= 0) return "";
    if (s.length >= len) return s.slice(0, len).join("");
    if (p.length === 0) return s.join("");
    checkStringSize(name, "len", len);
    // Whole repetitions of the pad, then the code points of a partial one (no per-char array).
    const need = len - s.length;
    const fill = p.join("").repeat(Math.floor(need / p.length)) + p.slice(0, need % p.length).join("");
    return leftSide ? fill + s.join("") : s.join("") + fill;
  }, { minArgs: 2 });
}
register(pad("lpad", true));
register(pad("rpad", false));

register(simple("repeat", ["string", "int"], StringType, ([s, n]) => {
  const times = Math.max(0, n as number);
  checkStringSize("repeat", "n", (s as string).length * times);
  return (s as string).repeat(times);
}));
register(simple("instr", ["string", "string"], IntegerType, ([s, sub]) => (s as string).indexOf(sub as string) + 1));
register(simple("locate", ["string", "string", "int"], IntegerType, ([sub, s, pos]) => {
  const p = (pos as number | undefined) ?? 1;
  if (p < 1) return 0;
  return (s as string).indexOf(sub as string, p - 1) + 1;
}, { minArgs: 2 }), "position");
register(simple("translate", ["string", "string", "string"], StringType, ([s, from, to]) => {
  const f = [...(from as string)], t = [...(to as string)];
  const m = new Map<string, string>();
  f.forEach((c, i) => { if (!m.has(c)) m.set(c, t[i] ?? ""); });
  return [...(s as string)].map((c) => (m.has(c) ? m.get(c)! : c)).join("");
}));
register(simple("replace", ["string", "string", "string"], StringType, ([s, a, b]) =>
  (a as string) === "" ? s : (s as string).split(a as string).join((b as string | undefined) ?? ""), { minArgs: 2 }));
register(simple("startswith", ["string", "string"], BooleanType, ([s, p]) => (s as string).startsWith(p as string)));
register(simple("endswith", ["string", "string"], BooleanType, ([s, p]) => (s as string).endsWith(p as string)));
register(simple("contains", ["string", "string"], BooleanType, ([s, p]) => (s as string).includes(p as string)));
register(simple("levenshtein", ["string", "string"], IntegerType, ([a, b]) => editDistance(a as string, b as string)));
register(simple("sha2", ["string", "int"], StringType, ([s, bits]) => {
  const b = (bits as number) === 0 ? 256 : (bits as number);
  if (![224, 256, 384, 512].includes(b)) return null;
  return createHash(`sha${b}`).update(s as string).digest("hex");
}));
register(simple("char", ["long"], StringType, ([n]) => String.fromCharCode(Number(n) % 256)), "chr");
register(simple("format_number", ["double", "int"], StringType, ([x, d]) => {
  const digits = d as number;
  if (digits < 0) return null;
  return (x as number).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true });
}));
// Decimals keep every digit: Intl formats their exact text (HALF_EVEN, as Java's DecimalFormat in Spark).
const formatNumberDouble = lookupFunction("format_number") as ScalarDef;
register({
  ...formatNumberDouble,
  resolve(args, node) {
    if (typeOf(args[0]!).type !== "decimal") return formatNumberDouble.resolve(args, node);
    return { args: [args[0]!, coerceArg(node, args, 1, "int")], dataType: StringType };
  },
  eval(vals, info) {
    if (info.argTypes[0]!.type !== "decimal") return formatNumberDouble.eval!(vals, info);
    const [x, d] = vals as [unknown, number];
    if (d < 0) return null;
    const text = decimalText(x, operandScale(info.argTypes[0]!));
    return new Intl.NumberFormat("en-US", { minimumFractionDigits: d, maximumFractionDigits: d, roundingMode: "halfEven" } as Intl.NumberFormatOptions).format(text as unknown as number);
  },
});

// concat: strings, or arrays (concatenated); null if any argument is null.
register({
  kind: "scalar", name: "concat", minArgs: 0, maxArgs: Infinity,
  resolve(args, node) {
    const types = args.map(typeOf);
    if (types.length && types.every((t) => t.type === "array")) {
      return { args, dataType: types[0]! };
    }
    return { args: args.map((_, i) => coerceArg(node, args, i, "string")), dataType: StringType };
  },
  eval(vals, info) {
    if (info.dataType.type === "array") return (vals as unknown[][]).flat(1);
    return (vals as string[]).join("");
  },
});
register({ ...simple("||", ["string", "string"], StringType, (v) => (v as string[]).join("")) });

register({
  kind: "scalar", name: "concat_ws", minArgs: 1, maxArgs: Infinity, nullSafe: true,
  resolve(args, node) {
    const out = args.map((a, i) => (i > 0 && typeOf(a).type === "array" ? mkCast(a, ArrayType(StringType)) : coerceArg(node, args, i, "string")));
    return { args: out, dataType: StringType };
  },
  eval([sep, ...rest]) {
    if (sep === null || sep === undefined) return null;
    const parts: string[] = [];
    for (const v of rest) {
      if (v === null || v === undefined) continue;
      if (Array.isArray(v)) { for (const x of v) if (x !== null && x !== undefined) parts.push(x as string); }
      else parts.push(v as string);
    }
    return parts.join(sep as string);
  },
});

register({
  kind: "scalar", name: "split", minArgs: 2, maxArgs: 3,
  resolve(args, node) {
    return { args: args.map((_, i) => coerceArg(node, args, i, i === 2 ? "int" : "string")), dataType: ArrayType(StringType, false) };
  },
  eval([s, p, lim]) {
    const limit = (lim as number | undefined) ?? -1;
    const str0 = s as string;
    if (str0 === "") return [""];
    const re = javaRegex(p as string, "g");
    const parts: string[] = [];
    let last = 0;
    for (const m of str0.matchAll(re)) {
      if (limit > 0 && parts.length === limit - 1) break;
      // Zero-width matches at either end never split (Java 8+ String.split).
      if (m[0] === "" && (m.index === 0 || m.index! >= str0.length)) continue;
      parts.push(str0.slice(last, m.index));
      last = m.index! + m[0].length;
    }
    parts.push(str0.slice(last));
    return parts;
  },
});

register({
  kind: "scalar", name: "regexp_replace", minArgs: 3, maxArgs: 4,
  resolve(args, node) {
    const pos = args[3];
    if (pos?.kind === "lit" && typeof pos.value === "number" && pos.value <= 0) {
      throw new AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
        `Cannot resolve "${exprSql(node)}" due to data type mismatch: The \`position\` must be positive, but got ${pos.value}.`,
        { parameters: { exprName: "`position`", valueRange: "(0, 2147483647]", currentValue: String(pos.value) } });
    }
    return { args: args.map((_, i) => coerceArg(node, args, i, i === 3 ? "int" : "string")), dataType: StringType };
  },
  compile(args) {
    const [s, p, r, pos] = args as [RowFn, RowFn, RowFn, RowFn?];
    const re = cachedRegex((x) => javaRegex(x, "g"));
    return (row) => {
      const a = s(row), b = p(row), c = r(row);
      if (a === null || b === null || c === null || a === undefined || b === undefined || c === undefined) return null;
      const at = pos ? pos(row) : 1;
      if (at === null || at === undefined) return null;
      const start = Math.max(1, Number(at)) - 1;
      const text = a as string;
      return text.slice(0, start) + text.slice(start).replace(re(b as string), (c as string).replace(/\\\$/g, "$$$$"));
    };
  },
});

register({
  kind: "scalar", name: "regexp_extract", minArgs: 2, maxArgs: 3,
  resolve(args, node) { return { args: args.map((_, i) => coerceArg(node, args, i, i === 2 ? "int" : "string")), dataType: StringType }; },
  compile(args) {
    const [s, p, idx] = args as [RowFn, RowFn, RowFn?];
    const re = cachedRegex((x) => javaRegex(x));
    return (row) => {
      const a = s(row), b = p(row);
      if (a === null || b === null || a === undefined || b === undefined) return null;
      const i = idx ? Number(idx(row)) : 1;
      const r = re(b as string);
      checkGroupIndex(r, i);
      const m = r.exec(a as string);
      if (!m) return "";
      return m[i] ?? "";
    };
  },
});

/** Spark's check of regexp_extract's group index against the pattern's groups (INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX). */
function checkGroupIndex(re: RegExp, i: number): void {
  const groups = new RegExp(`${re.source}|`, re.flags.replace("g", "")).exec("")!.length - 1;
  if (i < 0 || i > groups) {
    throw new ExecutionError("INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX",
      `The value of parameter(s) \`idx\` in \`regexp_extract\` is invalid: Expects group index between 0 and ${groups}, but got ${i}.`,
      { parameters: { parameter: "`idx`", functionName: "`regexp_extract`", groupCount: groups, groupIndex: i } });
  }
}

register({
  kind: "scalar", name: "regexp_extract_all", minArgs: 2, maxArgs: 3,
  resolve(args, node) { return { args: args.map((_, i) => coerceArg(node, args, i, i === 2 ? "int" : "string")), dataType: ArrayType(StringType) }; },
  eval([s, p, idx]) {
    const i = (idx as number | undefined) ?? 1;
    const re = javaRegex(p as string, "g");
    checkGroupIndex(re, i);
    return [...(s as string).matchAll(re)].map((m) => m[i] ?? "");
  },
});

function likeDef(name: string, ci: boolean): ScalarDef {
  return {
    kind: "scalar", name, minArgs: 2, maxArgs: 3,
    resolve(args, node) { return { args: args.map((_, i) => coerceArg(node, args, i, "string")), dataType: BooleanType }; },
    compile(args) {
      const [s, p, esc] = args as [RowFn, RowFn, RowFn?];
      let key: string | undefined;
      let re: RegExp | undefined;
      return (row) => {
        const a = s(row), b = p(row);
        if (a === null || b === null || a === undefined || b === undefined) return null;
        const e = esc ? String(esc(row) ?? "\\") : "\\";
        if (key !== b + "\u0000" + e) { key = b + "\u0000" + e; re = likeToRegExp(b as string, e, ci ? "si" : "s"); }
        return re!.test(a as string);
      };
    },
  };
}
register(likeDef("like", false));
register(likeDef("ilike", true));

register({
  kind: "scalar", name: "rlike", minArgs: 2, maxArgs: 2,
  resolve(args, node) { return { args: args.map((_, i) => coerceArg(node, args, i, "string")), dataType: BooleanType }; },
  compile(args) {
    const [s, p] = args as [RowFn, RowFn];
    const re = cachedRegex((x) => javaRegex(x));
    return (row) => {
      const a = s(row), b = p(row);
      if (a === null || b === null || a === undefined || b === undefined) return null;
      return re(b as string).test(a as string);
    };
  },
}, "regexp", "regexp_like");

/** Java's String.format for the common conversions: %s %d %f %e %x %c %b %% with flags/width/precision. */
export function formatString(fmt: string, args: unknown[]): string {
  let ai = 0;
  return fmt.replace(/%(\d+\$)?([-#+ 0,(]*)(\d+)?(\.\d+)?([sdfeExXcbBn%])/g, (_m, idx: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === "%") return "%";
    if (conv === "n") return "\n";
    const v = idx ? args[Number(idx.slice(0, -1)) - 1] : args[ai++];
    const p = prec ? Number(prec.slice(1)) : undefined;
    let s: string;
    switch (conv) {
      case "d": {
        if (v === null || v === undefined) { s = "null"; break; }
        const n = typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v)));
        s = (n < 0n ? -n : n).toString();
        if (flags.includes(",")) s = s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
        s = (n < 0n ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "") + s;
        break;
      }
      case "f": case "e": case "E": {
        if (v === null || v === undefined) { s = "null"; break; }
        const n = Number(v);
        s = conv === "f" ? Math.abs(n).toFixed(p ?? 6) : Math.abs(n).toExponential(p ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
        if (conv === "E") s = s.toUpperCase();
        if (flags.includes(",") && conv === "f") { const [i, f] = s.split("."); s = i!.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (f ? "." + f : ""); }
        s = (n < 0 || Object.is(n, -0) ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "") + s;
        break;
      }
      case "x": case "X": s = v === null || v === undefined ? "null" : BigInt.asUintN(64, BigInt(Math.trunc(Number(v)))).toString(16); if (conv === "X") s = s.toUpperCase(); break;
      case "c": s = typeof v === "number" ? String.fromCharCode(v) : String(v ?? "null"); break;
      case "b": case "B": s = String(v !== null && v !== undefined && v !== false); break;
      default: s = v === null || v === undefined ? "null" : typeof v === "number" && !Number.isInteger(v) ? javaDoubleToString(v) : String(v instanceof Date ? v.toISOString() : v);
        if (p !== undefined) s = s.slice(0, p);
    }
    const w = width ? Number(width) : 0;
    if (s.length < w) {
      if (flags.includes("-")) s = s.padEnd(w);
      else if (flags.includes("0") && "dfeExX".includes(conv)) {
        const sign = /^[+\- ]/.test(s) ? s[0]! : "";
        s = sign + s.slice(sign.length).padStart(w - sign.length, "0");
      } else s = s.padStart(w);
    }
    return s;
  });
}

register({
  kind: "scalar", name: "format_string", minArgs: 1, maxArgs: Infinity, nullSafe: true,
  resolve(args, node) { return { args: [coerceArg(node, args, 0, "string"), ...args.slice(1)], dataType: StringType }; },
  eval([f, ...rest]) { return f === null || f === undefined ? null : formatString(f as string, rest); },
}, "printf");

function soundex(s: string): string {
  const up = s.toUpperCase();
  if (!up || !/[A-Z]/.test(up[0]!)) return s;
  const codes: Record<string, string> = { B: "1", F: "1", P: "1", V: "1", C: "2", G: "2", J: "2", K: "2", Q: "2", S: "2", X: "2", Z: "2", D: "3", T: "3", L: "4", M: "5", N: "5", R: "6" };
  let out = up[0]!;
  let last = codes[up[0]!] ?? "";
  for (const c of up.slice(1)) {
    const code = codes[c] ?? "";
    if (code && code !== last) out += code;
    if (c !== "H" && c !== "W") last = code;
    if (out.length === 4) break;
  }
  return out.padEnd(4, "0");
}
