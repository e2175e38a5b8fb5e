// Snappy decompression of Parquet pages. Pages of numbers a dictionary does not shrink (17-bit
// indices into 100k distinct values, random doubles) do not compress: a writer's snappy stream
// is then almost all literals, 64 KB each, and decompressing is copying. hysnappy (the WebAssembly
// decoder hyparquet-compressors brings) copies the input into its memory, decodes, and copies the
// output out; hyparquet's JavaScript decoder and the native `snappy` binding were no faster
// (measured on the benchmark's fact file, 20 pages, 25 MB of literals: hysnappy 46-50 ms,
// hyparquet's decoder 45 ms, napi-rs `snappy` 78 ms, this one 13 ms). Here a literal is one native
// copy (`Uint8Array.set`) into the output, a long back-reference that does not overlap its source
// is one `copyWithin`, and only short or overlapping ones go byte by byte. Malformed input throws
// SnappyError saying what was wrong and at which input byte; nothing is read or written outside
// the two arrays.

export class SnappyError extends Error {
  override name = "SnappyError";
}

/** Literals and copies shorter than this go byte by byte (a subarray and a native copy cost more). */
const SHORT = 16;

/**
 * The `outputLength` bytes of the snappy stream `input` (the raw format, as Parquet stores pages:
 * a varint of the uncompressed length, then literal and copy elements). With `into` (at least
 * `outputLength` long) they are written there (every byte, so it needs no clearing) and its
 * first `outputLength` bytes are returned; otherwise into a new array.
 */
export function snappyUncompress(input: Uint8Array, outputLength: number, into?: Uint8Array): Uint8Array {
  const end = input.length;
  let pos = 0, length = 0, shift = 0, b: number;
  do {
    if (pos >= end || shift > 28) throw new SnappyError("invalid snappy length header");
    b = input[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  if (length !== outputLength) throw new SnappyError(`snappy length header says ${length} bytes, the page ${outputLength}`);
  const out = into && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
  let o = 0;
  while (pos < end) {
    const tag = input[pos++]!, kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const bytes = len - 59;
        if (pos + bytes > end) throw new SnappyError(`snappy literal length cut off at input byte ${pos}`);
        len = 0;
        for (let i = 0; i < bytes; i++) len += input[pos + i]! * 2 ** (8 * i);
        pos += bytes;
      }
      len += 1;
      if (pos + len > end) throw new SnappyError(`snappy literal of ${len} bytes runs past the input's end at byte ${pos}`);
      if (o + len > length) throw new SnappyError(`snappy literal at input byte ${pos} writes past the ${length}-byte output`);
      if (len < SHORT) for (let i = 0; i < len; i++) out[o + i] = input[pos + i]!;
      else out.set(input.subarray(pos, pos + len), o);
      o += len;
      pos += len;
      continue;
    }
    let len: number, offset: number;
    if (kind === 1) {
      if (pos >= end) throw new SnappyError(`snappy copy cut off at input byte ${pos}`);
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos++]!;
    } else if (kind === 2) {
      if (pos + 2 > end) throw new SnappyError(`snappy copy cut off at input byte ${pos}`);
      len = (tag >>> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > end) throw new SnappyError(`snappy copy cut off at input byte ${pos}`);
      len = (tag >>> 2) + 1;
      offset = (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16)) + input[pos + 3]! * 0x1000000;
      pos += 4;
    }
    if (offset === 0 || offset > o) throw new SnappyError(`snappy copy at input byte ${pos} refers to ${offset} bytes back, before the output's start`);
    if (o + len > length) throw new SnappyError(`snappy copy at input byte ${pos} writes past the ${length}-byte output`);
    if (len >= SHORT && offset >= len) out.copyWithin(o, o - offset, o - offset + len);
    else for (let i = 0; i < len; i++) out[o + i] = out[o + i - offset]!;
    o += len;
  }
  if (o !== length) throw new SnappyError(`snappy stream ends after ${o} of ${length} bytes`);
  return out;
}
