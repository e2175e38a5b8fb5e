// Thin helpers over `ws`: typed send/receive of codec-encoded messages, and the upgrade-time
// handshake check shared by the driver endpoint and the workers' shuffle servers.

import type { IncomingMessage } from "node:http";
import WebSocket from "ws";
import { decode, encode } from "../common/codec";
import { PROTOCOL_VERSION, TOKEN_HEADER, VERSION_HEADER } from "./protocol";

export function send(ws: WebSocket, msg: unknown): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(encode(msg), { binary: true });
}

export function onMessage<T>(ws: WebSocket, handler: (msg: T) => void): void {
  ws.on("message", (data: WebSocket.RawData) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    handler(decode<T>(buf));
  });
}

/** Why a connecting peer is refused, or undefined when its token and version are right. */
export function checkHandshake(req: IncomingMessage, token: string): { code: number; reason: string } | undefined {
  const given = req.headers[TOKEN_HEADER];
  if (typeof given !== "string" || !timingSafeEqualStr(given, token)) {
    return { code: 401, reason: "missing or wrong session token" };
  }
  const version = Number(req.headers[VERSION_HEADER]);
  if (version !== PROTOCOL_VERSION) {
    return { code: 426, reason: `protocol version ${req.headers[VERSION_HEADER] ?? "(none)"} is not supported; this driver speaks version ${PROTOCOL_VERSION}` };
  }
  return undefined;
}

/** Headers a client sends to pass checkHandshake. */
export function handshakeHeaders(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [TOKEN_HEADER]: token, [VERSION_HEADER]: String(PROTOCOL_VERSION), ...extra };
}

function timingSafeEqualStr(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A random secret for a session. */
export function newToken(): string {
  return crypto.randomUUID().replace(/-/g, "") + crypto.randomUUID().replace(/-/g, "");
}
