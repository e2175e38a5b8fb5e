// Jupyter wire protocol (v5.3) framing for the headless runner's client side: builds, signs,
// parses and verifies the multipart messages that travel over the kernel's ZeroMQ sockets.
// See https://jupyter-client.readthedocs.io/en/stable/messaging.html#the-wire-protocol

import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const DELIMITER = "<IDS|MSG>";
export const PROTOCOL_VERSION = "5.3";

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [key: string]: unknown;
}

export interface JupyterMessage<C = Record<string, unknown>> {
  header: MessageHeader;
  /** Empty object when the message has no parent. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export class WireError extends Error {
  override name = "WireError";
}

/** Signs with HMAC-SHA256 over header, parent, metadata and content; an empty key disables signing. */
export class MessageSigner {
  constructor(private readonly key: string, private readonly scheme = "hmac-sha256") {
    if (key && scheme !== "hmac-sha256") throw new WireError(`unsupported signature scheme ${scheme}`);
  }

  sign(parts: Buffer[]): string {
    if (!this.key) return "";
    const h = createHmac("sha256", this.key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  }

  verify(signature: string, parts: Buffer[]): boolean {
    if (!this.key) return true;
    const want = Buffer.from(this.sign(parts), "utf8");
    const got = Buffer.from(signature, "utf8");
    return want.length === got.length && timingSafeEqual(want, got);
  }
}

export function makeHeader(msgType: string, session: string): MessageHeader {
  return {
    msg_id: randomUUID(),
    session,
    username: "workbench",
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** Frames to send on a DEALER socket (no routing identities on the client side). */
export function serialize(msg: JupyterMessage, signer: MessageSigner): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) =>
    Buffer.from(JSON.stringify(p), "utf8"),
  );
  return [Buffer.from(DELIMITER), Buffer.from(signer.sign(parts)), ...parts, ...msg.buffers];
}

/** Parses received frames; identities (before the delimiter) are dropped. Throws on a bad signature. */
export function deserialize(frames: Buffer[], signer: MessageSigner): JupyterMessage {
  const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString("utf8") === DELIMITER);
  if (at < 0 || frames.length < at + 6) throw new WireError("malformed message: no delimiter or too few frames");
  const signature = frames[at + 1]!.toString("utf8");
  const parts = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, parts)) throw new WireError("message signature does not match the connection key");
  const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString("utf8")) as unknown);
  return {
    header: header as MessageHeader,
    parent_header: (parent ?? {}) as Partial<MessageHeader>,
    metadata: (metadata ?? {}) as Record<string, unknown>,
    content: (content ?? {}) as Record<string, unknown>,
    buffers: frames.slice(at + 6),
  };
}
