// Wire format between a reduce task's fetcher and a worker's ShuffleServer (one WebSocket per
// peer pair, binary frames only). Request: codec-encoded FetchRequest. Response: per requested
// block, one or more chunk frames (16-byte header + raw block bytes, no re-encoding) or one
// failure frame (header + UTF-8 JSON). Version lives in the URL path; auth in the upgrade.

export const SHUFFLE_PATH = "/shuffle/v1";
export const HEADER_BYTES = 16;
export const CHUNK_BYTES = 4 << 20;

export const enum FrameType { Chunk = 1, Failure = 2 }
export const LAST_CHUNK = 1;

/** Close codes the server uses for bad peers (RFC 6455). */
export const CLOSE_UNSUPPORTED = 1003;   // text frame
export const CLOSE_INVALID = 1007;       // undecodable or malformed request

export interface FetchRequest { id: number; shuffleId: number; reduceId: number; mapIds: number[] }

export function isFetchRequest(x: unknown): x is FetchRequest {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Record<string, unknown>;
  const u32 = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
  return u32(r.id) && u32(r.shuffleId) && u32(r.reduceId) && Array.isArray(r.mapIds) && r.mapIds.every(u32);
}

export interface FrameHeader { type: number; flags: number; requestId: number; mapId: number; total: number }

export function writeHeader(buf: Buffer, h: FrameHeader): void {
  buf.writeUInt8(h.type, 0);
  buf.writeUInt8(h.flags, 1);
  buf.writeUInt16LE(0, 2);
  buf.writeUInt32LE(h.requestId, 4);
  buf.writeUInt32LE(h.mapId, 8);
  buf.writeUInt32LE(h.total, 12);
}

export function readHeader(buf: Buffer): FrameHeader {
  return { type: buf.readUInt8(0), flags: buf.readUInt8(1), requestId: buf.readUInt32LE(4), mapId: buf.readUInt32LE(8), total: buf.readUInt32LE(12) };
}

/** Address without trailing slash + versioned path. */
export function shuffleUrl(address: string): string {
  return address.replace(/\/+$/, "") + SHUFFLE_PATH;
}
