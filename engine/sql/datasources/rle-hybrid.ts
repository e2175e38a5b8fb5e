// Parquet's RLE / bit-packed hybrid encoding (definition levels and dictionary indices), decoded
// straight from the page's bytes into a typed array. hyparquet's reader is general (any width, a
// DataView read and a branch per byte boundary); this one keeps a 32-bit bit buffer and serves the
// widths that fit it (<= 24 bits: dictionaries of up to 16M values), which is where the columnar
// scan spent most of its decoding time; dictionary indices away from the page's end are read
// by an unpacker generated per width (unpackDictWords). Wider indices go back to hyparquet (the
// caller checks).

/** The widest bit width readRleHybrid decodes. */
export const MAX_RLE_WIDTH = 24;

/** Where the last run header read by runHeader ends (its second result, kept out of an allocation). */
let afterHeader = 0;

/** The ULEB128 run header at buf[pos] (count << 1 | bit-packed flag); the position after it is afterHeader. */
function runHeader(buf: Uint8Array, pos: number, end: number): number {
  let header = 0, shift = 0, b: number;
  do { b = buf[pos++]!; header += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80 && pos < end);
  afterHeader = pos;
  return header;
}

/**
 * Decode `n` values of bit width `width` (<= MAX_RLE_WIDTH) from buf[pos..end) into out[0..n).
 * Returns false if the runs end before n values (a malformed page).
 */
export function readRleHybrid(buf: Uint8Array, pos: number, end: number, width: number, out: Int32Array | Uint8Array, n: number): boolean {
  const mask = (1 << width) - 1, valueBytes = (width + 7) >> 3;
  let seen = 0;
  while (seen < n && pos < end) {
    const header = runHeader(buf, pos, end);
    pos = afterHeader;
    if (header % 2 === 1) {
      // Bit-packed: groups of 8 values, `width` bytes per group, least significant bits first.
      const groups = Math.floor(header / 2), stop = pos + groups * width;
      const m = Math.min(groups * 8, n - seen);
      let acc = 0, bits = 0;
      for (let i = 0; i < m; i++) {
        while (bits < width) { acc |= (buf[pos++]! | 0) << bits; bits += 8; }
        out[seen++] = acc & mask;
        acc >>>= width;
        bits -= width;
      }
      pos = stop;
    } else {
      // Run: one value (little-endian, whole bytes) repeated.
      const count = Math.floor(header / 2);
      let v = 0;
      for (let i = 0; i < valueBytes; i++) v |= (buf[pos++]! | 0) << (8 * i);
      const m = Math.min(count, n - seen);
      out.fill(v, seen, seen + m);
      seen += m;
    }
  }
  return seen === n;
}

/**
 * Whether the first `n` values of bit width 1 in buf[pos..end) are all 1, read from RLE run
 * headers alone (a page's definition levels when none of its values is null). False at the first
 * bit-packed run or run of 0s: the caller then decodes the levels.
 */
export function rleAllOnes(buf: Uint8Array, pos: number, end: number, n: number): boolean {
  let seen = 0;
  while (seen < n && pos < end) {
    const header = runHeader(buf, pos, end);
    pos = afterHeader;
    if (header % 2 === 1 || pos >= end || buf[pos++] !== 1) return false;
    seen += Math.floor(header / 2);
  }
  return seen >= n;
}

/**
 * As readRleHybrid, for dictionary indices applied as they are decoded: out[at + i] = dict[index i]
 * (no index array in between). Returns false if the runs end before n values. Its run parsing
 * repeats readRleHybrid's on purpose: one hot loop per output kind, no callback in between.
 */
export function readRleHybridDict(buf: Uint8Array, pos: number, end: number, width: number, dict: Int32Array | Float64Array, out: Float64Array | Int32Array, at: number, n: number): boolean {
  const mask = (1 << width) - 1, valueBytes = (width + 7) >> 3;
  let seen = 0;
  while (seen < n && pos < end) {
    const header = runHeader(buf, pos, end);
    pos = afterHeader;
    if (header % 2 === 1) {
      const groups = Math.floor(header / 2), stop = pos + groups * width;
      const m = Math.min(groups * 8, n - seen);
      if (stop + 3 <= buf.length) unpackDictWords(buf, pos, width, mask, dict, out, at + seen, m);
      else {
        // The page's last bytes: the bit buffer reads no byte past them.
        let acc = 0, bits = 0, o = at + seen;
        for (let i = 0; i < m; i++) {
          while (bits < width) { acc |= (buf[pos++]! | 0) << bits; bits += 8; }
          out[o++] = dict[acc & mask]!;
          acc >>>= width;
          bits -= width;
        }
      }
      seen += m;
      pos = stop;
    } else {
      const count = Math.floor(header / 2);
      let v = 0;
      for (let i = 0; i < valueBytes; i++) v |= (buf[pos++]! | 0) << (8 * i);
      const m = Math.min(count, n - seen);
      out.fill(dict[v]!, at + seen, at + seen + m);
      seen += m;
    }
  }
  return seen === n;
}

/**
 * m bit-packed dictionary indices of `width` (<= 24) bits from buf[pos..] mapped through `dict`
 * into out[o..]: whole groups of 8 by the width's generated unpacker (groupUnpacker), the rest
 * each read from the 4 bytes holding it (shifted by its bit offset; 24 + 7 bits fit). Reads up to
 * 3 bytes past the last index's: the caller checks they are in `buf`.
 */
function unpackDictWords(buf: Uint8Array, pos: number, width: number, mask: number, dict: Int32Array | Float64Array, out: Float64Array | Int32Array, o: number, m: number): void {
  const groups = m >>> 3;
  if (groups > 0) groupUnpacker(width, dict instanceof Int32Array, out instanceof Int32Array)(new DataView(buf.buffer, buf.byteOffset, buf.byteLength), pos, dict, out, o, groups);
  for (let i = groups * 8, bit = i * width; i < m; i++, bit += width) {
    const p = pos + (bit >>> 3);
    const word = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
    out[o + i] = dict[(word >>> (bit & 7)) & mask]!;
  }
}

type GroupUnpacker = (view: DataView, pos: number, dict: Int32Array | Float64Array, out: Float64Array | Int32Array, o: number, groups: number) => void;

const unpackers: GroupUnpacker[] = [];

/**
 * The unpacker of `groups` groups of 8 indices of `width` bits (`width` bytes a group), generated
 * once per width: each index one little-endian 32-bit read at a constant offset, shifted and
 * masked by constants, as Parquet and Arrow's C++ readers unroll it per width (measured on 1M
 * indices through a dictionary: 2.8-4.5 -> 0.9-1.7 ns a value at 10 and 17 bits). One function
 * per width and per kind of dictionary and output array (Int32Array or Float64Array), so that
 * each one's element accesses stay monomorphic.
 */
function groupUnpacker(width: number, intDict: boolean, intOut: boolean): GroupUnpacker {
  const at = width * 4 + (intDict ? 2 : 0) + (intOut ? 1 : 0);
  let f = unpackers[at];
  if (f === undefined) {
    const mask = (1 << width) - 1, lines: string[] = [];
    for (let j = 0; j < 8; j++) {
      const bit = j * width;
      lines.push(`    out[o + ${j}] = dict[(view.getUint32(pos + ${bit >>> 3}, true) >>> ${bit & 7}) & ${mask}];`);
    }
    // Named for profiles (a Function body alone is "anonymous").
    f = unpackers[at] = new Function(`return function unpackGroups${width}(view, pos, dict, out, o, groups) {\n` +
      `  for (let g = 0; g < groups; g++, pos += ${width}, o += 8) {\n${lines.join("\n")}\n  }\n};`)() as GroupUnpacker;
  }
  return f;
}
