// Columnar frames for shuffle blocks: a batch of (key, value) pairs stored as a key column and a
// value column instead of one msgpack array. Numeric columns are raw int32/float64 bytes, string
// columns are one UTF-8 run plus a length column, constant columns one value; anything else falls
// back to msgpack. Encoding and decoding cost a few native calls per batch instead of per record.

import { decode, encode, isInt32 } from "../common/codec";
import { FRAME_HEADER } from "./frame-file";

/** First payload byte of a pair frame: 0xc1 is never used by msgpack, so old frames stay readable. */
export const PAIR_FRAME_MARK = 0xc1;
const VERSION = 1;

const enum Col { Any = 0, I32 = 1, F64 = 2, Str = 3, Const = 4 }

/** Pick a column kind for every `stride`-th element of `flat` starting at `from`. */
function classify(flat: unknown[], from: number): Col {
  const n = flat.length;
  const first = flat[from];
  const t = typeof first;
  if (t === "number") {
    let int = true, same = true;
    for (let i = from; i < n; i += 2) {
      const x = flat[i];
      if (typeof x !== "number") return Col.Any;
      if (int && !isInt32(x)) int = false;
      if (same && x !== first) same = false;
    }
    // A constant column of non-finite or -0 values goes through msgpack, which keeps them exact.
    if (same && n > 2 && Number.isFinite(first) && !Object.is(first, -0)) return Col.Const;
    return int ? Col.I32 : Col.F64;
  }
  if (t === "string") {
    let same = true;
    for (let i = from; i < n; i += 2) {
      const x = flat[i];
      if (typeof x !== "string") return Col.Any;
      if (same && x !== first) same = false;
    }
    return same && n > 2 ? Col.Const : Col.Str;
  }
  if (t === "boolean") {
    for (let i = from; i < n; i += 2) if (flat[i] !== first) return Col.Any;
    return n > 2 ? Col.Const : Col.Any;
  }
  return Col.Any;
}

function column(flat: unknown[], from: number, count: number): Buffer[] {
  const kind = classify(flat, from);
  const head = Buffer.allocUnsafe(5);
  head[0] = kind;
  let body: Buffer[];
  switch (kind) {
    case Col.I32: {
      const a = new Int32Array(count);
      for (let i = from, j = 0; j < count; i += 2, j++) a[j] = flat[i] as number;
      body = [Buffer.from(a.buffer, 0, a.byteLength)];
      break;
    }
    case Col.F64: {
      const a = new Float64Array(count);
      for (let i = from, j = 0; j < count; i += 2, j++) a[j] = flat[i] as number;
      body = [Buffer.from(a.buffer, 0, a.byteLength)];
      break;
    }
    case Col.Str: {
      // Lengths in UTF-16 units, then the strings joined into one: one native encode per batch.
      // Decoding slices the decoded run by these lengths; a lone surrogate becomes U+FFFD, one
      // unit either way, so slices stay aligned (msgpack would replace it too).
      const strs = new Array<string>(count);
      let max = 0;
      for (let i = from, j = 0; j < count; i += 2, j++) {
        const s = flat[i] as string;
        strs[j] = s;
        if (s.length > max) max = s.length;
      }
      const wide = max > 0xffff;
      const lens = wide ? new Uint32Array(count) : new Uint16Array(count);
      for (let j = 0; j < count; j++) lens[j] = strs[j]!.length;
      const text = Buffer.from(strs.join(""), "utf8");
      const w = Buffer.allocUnsafe(1);
      w[0] = wide ? 4 : 2;
      body = [w, Buffer.from(lens.buffer, 0, lens.byteLength), text];
      break;
    }
    case Col.Const:
      body = [encode(flat[from])];
      break;
    default: {
      const a = new Array<unknown>(count);
      for (let i = from, j = 0; j < count; i += 2, j++) a[j] = flat[i];
      body = [encode(a)];
    }
  }
  let len = 0;
  for (const b of body) len += b.length;
  head.writeUInt32LE(len, 1);
  return [head, ...body];
}

/**
 * Encode a flat [k0, v0, k1, v1, ...] batch as one frame (u32 LE length + payload), returned as
 * buffers to write in order (no concatenation).
 */
export function encodePairFrame(flat: unknown[]): Buffer[] {
  const count = flat.length >> 1;
  const top = Buffer.allocUnsafe(FRAME_HEADER + 6);
  const parts = [top, ...column(flat, 0, count), ...column(flat, 1, count)];
  let payload = 0;
  for (let i = 1; i < parts.length; i++) payload += parts[i]!.length;
  payload += 6;
  top.writeUInt32LE(payload, 0);
  top[FRAME_HEADER] = PAIR_FRAME_MARK;
  top[FRAME_HEADER + 1] = VERSION;
  top.writeUInt32LE(count, FRAME_HEADER + 2);
  return parts;
}

function corrupt(what: string): RangeError {
  return new RangeError(`corrupt pair frame: ${what}`);
}

/** Copy bytes into a fresh, aligned ArrayBuffer (payload offsets have no alignment guarantee). */
function aligned(view: Buffer, start: number, len: number): ArrayBuffer {
  const ab = new ArrayBuffer(len);
  view.copy(new Uint8Array(ab), 0, start, start + len);
  return ab;
}

function readColumn(view: Buffer, pos: number, count: number): { values: ArrayLike<unknown> | { const: unknown }; end: number } {
  if (pos + 5 > view.length) throw corrupt("column header");
  const kind = view[pos] as Col;
  const len = view.readUInt32LE(pos + 1);
  const start = pos + 5, end = start + len;
  if (end > view.length) throw corrupt("column length");
  switch (kind) {
    case Col.I32:
      if (len !== count * 4) throw corrupt("int32 column size");
      return { values: new Int32Array(aligned(view, start, len)), end };
    case Col.F64:
      if (len !== count * 8) throw corrupt("float64 column size");
      return { values: new Float64Array(aligned(view, start, len)), end };
    case Col.Str: {
      const w = view[start]!;
      if (w !== 2 && w !== 4) throw corrupt("string length width");
      const lensBytes = count * w;
      const lens = w === 2 ? new Uint16Array(aligned(view, start + 1, lensBytes)) : new Uint32Array(aligned(view, start + 1, lensBytes));
      const text = view.toString("utf8", start + 1 + lensBytes, end);
      const out = new Array<string>(count);
      let o = 0;
      for (let j = 0; j < count; j++) {
        const l = lens[j]!;
        out[j] = text.slice(o, o + l);
        o += l;
      }
      if (o !== text.length) throw corrupt("string column text");
      return { values: out, end };
    }
    case Col.Const:
      return { values: { const: decode(view.subarray(start, end)) }, end };
    case Col.Any: {
      const a = decode<unknown[]>(view.subarray(start, end));
      if (!Array.isArray(a) || a.length !== count) throw corrupt("msgpack column");
      return { values: a, end };
    }
    default:
      throw corrupt(`column kind ${kind}`);
  }
}

/**
 * Visit the pairs of one pair-frame payload (the bytes after the u32 length). `clock.ms` grows by
 * the time spent decoding the columns (not in `each`).
 */
export function forEachPairInFrame(view: Buffer, start: number, end: number, each: (k: unknown, v: unknown) => void, clock?: { ms: number }): void {
  const t0 = clock ? performance.now() : 0;
  const p = view.subarray(start, end);
  if (p.length < 6 || p[0] !== PAIR_FRAME_MARK) throw corrupt("mark");
  if (p[1] !== VERSION) throw corrupt(`version ${p[1]}`);
  const count = p.readUInt32LE(2);
  const ks = readColumn(p, 6, count);
  const vs = readColumn(p, ks.end, count);
  if (vs.end !== p.length) throw corrupt("trailing bytes");
  const kc = "const" in ks.values ? ks.values : undefined;
  const vc = "const" in vs.values ? vs.values : undefined;
  const ka = ks.values as ArrayLike<unknown>, va = vs.values as ArrayLike<unknown>;
  if (clock) clock.ms += performance.now() - t0;
  if (kc && vc) for (let j = 0; j < count; j++) each(kc.const, vc.const);
  else if (vc) for (let j = 0; j < count; j++) each(ka[j], vc.const);
  else if (kc) for (let j = 0; j < count; j++) each(kc.const, va[j]);
  else for (let j = 0; j < count; j++) each(ka[j], va[j]);
}

/** True when a frame payload starting at `pos` is a pair frame (else it is a msgpack array). */
export function isPairFrame(view: Uint8Array, pos: number): boolean {
  return view[pos] === PAIR_FRAME_MARK;
}
