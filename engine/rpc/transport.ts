// Thin helpers over `ws`: typed send/receive of codec-encoded messages. Authentication of a
// connection lives in auth.ts; the shape of each message is checked by validate.ts.

import type { Duplex } from "node:stream";
import WebSocket from "ws";
import { decode, encode } from "../common/codec";

/** The TCP socket under each connection whose writes are coalesced (coalesceWrites). */
const sockets = new WeakMap<WebSocket, Duplex>();

/**
 * Coalesce the frames sent on a connection in one turn of the event loop into one write: the
 * first send() corks the socket and the next tick uncorks it. A scheduler launching several tasks
 * on a worker, or a worker reporting several ends, then makes one system call (a write on this
 * loopback costs tens of microseconds) instead of one per message.
 */
export function coalesceWrites(ws: WebSocket, socket: Duplex): void {
  sockets.set(ws, socket);
}

function uncork(socket: Duplex): void {
  socket.uncork();
}

/**
 * The masking key of every frame the workbench's processes send as WebSocket clients (`ws`'s
 * generateMask): zero. RFC 6455 masks client frames so that a script in a browser cannot put bytes
 * of its choosing on the wire to a proxy's cache; these connections join the session's own
 * processes, authenticated by its secret, with no browser or proxy between them. With a zero key
 * `ws` skips XOR-ing every byte on both ends, which it does in JavaScript without the optional
 * native bufferutil (measured here: a 1.6 MB message's round trip over loopback 10 ms -> 2.4 ms).
 */
export function zeroMask(mask: Buffer): void {
  mask.fill(0);
}

/**
 * A close frame's reason: at most 123 bytes of UTF-8 (RFC 6455), cut at a character. `ws` throws on
 * a longer one, and a reason quoting a peer's bytes (a decoder's message) can be three bytes a
 * character: cut by characters, such a close failed and the peer saw the connection drop (1006).
 */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let out = "", bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > 123) break;
    out += ch;
    bytes += n;
  }
  return out;
}

export function send(ws: WebSocket, msg: unknown): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  const socket = sockets.get(ws);
  if (socket && socket.writableCorked === 0 && !socket.destroyed) {
    socket.cork();
    process.nextTick(uncork, socket);
  }
  ws.send(encode(msg), { binary: true });
}

/**
 * Decode every binary frame and hand it to `handler`. A text frame or bytes that do not decode
 * go to `onBad` (by default they are dropped) instead of throwing out of the socket's handler.
 */
/** The bytes of one received frame, whatever form `ws` delivered them in. */
export function frameBytes(data: WebSocket.RawData): Buffer {
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
}

export function onMessage<T>(ws: WebSocket, handler: (msg: T) => void, onBad?: (why: string) => void): void {
  ws.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
    if (!isBinary) { onBad?.("text frame (only binary frames are accepted)"); return; }
    let msg: T;
    try { msg = decode<T>(frameBytes(data)); } catch (e) { onBad?.(`undecodable frame (${(e as Error).message})`); return; }
    handler(msg);
  });
}

/** A random secret for a session. */
export function newToken(): string {
  return crypto.randomUUID().replace(/-/g, "") + crypto.randomUUID().replace(/-/g, "");
}
