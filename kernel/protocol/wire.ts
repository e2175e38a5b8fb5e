// Jupyter wire protocol v5.3: message shapes, HMAC signing and frame (de)serialization.
// Pure functions over Buffers so the I/O thread and the tests share one implementation; the
// sockets themselves live in io-thread.ts.

import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIM = "<IDS|MSG>";

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [key: string]: unknown;
}

/** A decoded message; `identities` are the ZeroMQ routing prefix (empty on PUB). */
export interface JupyterMessage<C = Record<string, unknown>> {
  identities: Buffer[];
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

/** Thrown for frames that are not a valid signed Jupyter message; the caller drops them. */
export class WireFormatError extends Error {
  override readonly name = "WireFormatError";
}

function hmacHex(key: string, scheme: string, parts: readonly Buffer[]): string {
  // An empty key disables signing (allowed by the spec for trusted local setups).
  if (!key) return "";
  const algo = scheme.startsWith("hmac-") ? scheme.slice(5) : "sha256";
  const h = createHmac(algo, key);
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

export function newHeader(msgType: string, session: string, username = "kernel"): MessageHeader {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** Encode a message into ZeroMQ frames, signing header/parent/metadata/content. */
export function encodeMessage(msg: JupyterMessage<unknown>, key: string, scheme = "hmac-sha256"): Buffer[] {
  const body = [
    Buffer.from(JSON.stringify(msg.header)),
    Buffer.from(JSON.stringify(msg.parent_header ?? {})),
    Buffer.from(JSON.stringify(msg.metadata ?? {})),
    Buffer.from(JSON.stringify(msg.content ?? {})),
  ];
  const sig = Buffer.from(hmacHex(key, scheme, body));
  return [...msg.identities, Buffer.from(DELIM), sig, ...body, ...msg.buffers];
}

/** Decode and verify frames received on a ROUTER socket. Throws WireFormatError when invalid. */
export function decodeMessage(frames: readonly Buffer[], key: string, scheme = "hmac-sha256"): JupyterMessage {
  const d = frames.findIndex((f) => f.length === DELIM.length && f.toString() === DELIM);
  if (d < 0) throw new WireFormatError("message without <IDS|MSG> delimiter");
  if (frames.length < d + 6) throw new WireFormatError("message with too few frames");
  const sig = frames[d + 1]!.toString();
  const body = frames.slice(d + 2, d + 6);
  const want = hmacHex(key, scheme, body);
  if (key) {
    const a = Buffer.from(sig), b = Buffer.from(want);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new WireFormatError("invalid HMAC signature");
  }
  const parse = (b: Buffer) => {
    try {
      return JSON.parse(b.toString("utf8"));
    } catch {
      throw new WireFormatError("message part is not JSON");
    }
  };
  return {
    identities: frames.slice(0, d) as Buffer[],
    header: parse(body[0]!),
    parent_header: parse(body[1]!),
    metadata: parse(body[2]!),
    content: parse(body[3]!),
    buffers: frames.slice(d + 6) as Buffer[],
  };
}
