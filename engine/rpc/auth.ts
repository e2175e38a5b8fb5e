// Mutual authentication of a WebSocket connection with the session's shared secret, in the
// spirit of Spark's AuthEngine: neither side ever sends the secret. The client opens the
// upgrade with its protocol version and a fresh nonce; the server answers with its own nonce
// and an HMAC proving it knows the secret; only then does the client prove it too. Both proofs
// cover both nonces and the address the client dialed, so a relay or a fake server learns
// nothing it could replay, and a worker never takes tasks from a driver that cannot prove the
// secret. Until the handshake ends, nothing but handshake frames is accepted.

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import WebSocket from "ws";
import { decode, encode } from "../common/codec";
import { closeReason, coalesceWrites, frameBytes, zeroMask } from "./transport";
import { CLOSE_BAD_TOKEN, NONCE_HEADER, PROTOCOL_VERSION, VERSION_HEADER } from "./protocol";

/** Why authentication failed, as a code a caller can branch on. */
export type AuthFailure = "bad-token" | "server-unproven" | "protocol" | "timeout" | "closed";

export class AuthError extends Error {
  constructor(readonly code: AuthFailure, message: string) {
    super(message);
    this.name = "AuthError";
  }
}

const NONCE_BYTES = 32;
const DEFAULT_TIMEOUT_MS = 10_000;

type Challenge = { t: "auth-challenge"; nonce: Uint8Array; proof: Uint8Array };
type Response = { t: "auth-response"; proof: Uint8Array };
type Ok = { t: "auth-ok" };

function proof(secret: string, role: "server" | "client", clientNonce: Uint8Array, serverNonce: Uint8Array, dialed: string): Buffer {
  return createHmac("sha256", secret)
    .update(`bigdata-auth-v${PROTOCOL_VERSION}\0${role}\0${dialed}\0`)
    .update(clientNonce).update(serverNonce).digest();
}

function sameBytes(a: Uint8Array | undefined, b: Buffer): boolean {
  return a instanceof Uint8Array && a.length === b.length && timingSafeEqual(Buffer.from(a), b);
}

/** Whether a presented secret (any value off the wire) equals the expected one, in constant time. */
export function sameSecret(presented: unknown, expected: string): boolean {
  return typeof presented === "string" && sameBytes(Buffer.from(presented), Buffer.from(expected));
}

function decodeFrame(data: WebSocket.RawData, isBinary: boolean): Record<string, unknown> | undefined {
  if (!isBinary) return undefined;
  try {
    const msg = decode<unknown>(frameBytes(data));
    return msg !== null && typeof msg === "object" && !Array.isArray(msg) ? (msg as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Headers a client sends on the upgrade: its protocol version and its nonce (hex). */
export function authHeaders(clientNonce: Uint8Array, extra: Record<string, string> = {}): Record<string, string> {
  return { [VERSION_HEADER]: String(PROTOCOL_VERSION), [NONCE_HEADER]: Buffer.from(clientNonce).toString("hex"), ...extra };
}

/**
 * Upgrade-time checks before any socket exists: the protocol version (426), a well-formed nonce
 * (400), and a Host header naming the port this server listens on (421: the client's proof is
 * bound to the address it dialed, so a request meant for another server is refused early).
 */
export function checkUpgrade(req: IncomingMessage, listenPort: number): { code: number; reason: string } | undefined {
  const version = Number(req.headers[VERSION_HEADER]);
  if (version !== PROTOCOL_VERSION) {
    return { code: 426, reason: `protocol version ${req.headers[VERSION_HEADER] ?? "(none)"} is not supported; this server speaks version ${PROTOCOL_VERSION}` };
  }
  const nonce = req.headers[NONCE_HEADER];
  if (typeof nonce !== "string" || !/^[0-9a-f]{64}$/.test(nonce)) return { code: 400, reason: "missing or malformed authentication nonce" };
  const host = req.headers.host ?? "";
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && Number(port) !== listenPort) return { code: 421, reason: `this server listens on port ${listenPort}, not ${port}` };
  return undefined;
}

/**
 * Server side, right after the upgrade: prove the secret, then wait for the client's proof.
 * Resolves when the client is authenticated; on failure closes the socket and rejects.
 */
export function authenticateClient(ws: WebSocket, req: IncomingMessage, secret: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  const clientNonce = Buffer.from(String(req.headers[NONCE_HEADER] ?? ""), "hex");
  const dialed = req.headers.host ?? "";
  const serverNonce = randomBytes(NONCE_BYTES);
  return new Promise<void>((resolve, reject) => {
    const fail = (code: AuthFailure, why: string) => {
      cleanup();
      try { ws.close(CLOSE_BAD_TOKEN, closeReason(why)); } catch { /* gone */ }
      setTimeout(() => ws.terminate(), 1000).unref();
      reject(new AuthError(code, why));
    };
    const timer = setTimeout(() => fail("timeout", "no authentication response in time"), timeoutMs);
    const onMsg = (data: WebSocket.RawData, isBinary: boolean) => {
      const msg = decodeFrame(data, isBinary) as Partial<Response> | undefined;
      if (!msg || msg.t !== "auth-response") return fail("protocol", "expected an authentication response");
      if (!sameBytes(msg.proof, proof(secret, "client", clientNonce, serverNonce, dialed))) return fail("bad-token", "client could not prove the session secret");
      cleanup();
      ws.send(encode({ t: "auth-ok" } satisfies Ok), { binary: true });
      resolve();
    };
    const onClose = () => { cleanup(); reject(new AuthError("closed", "connection closed during authentication")); };
    const cleanup = () => { clearTimeout(timer); ws.off("message", onMsg); ws.off("close", onClose); };
    ws.on("message", onMsg);
    ws.on("close", onClose);
    ws.send(encode({ t: "auth-challenge", nonce: serverNonce, proof: proof(secret, "server", clientNonce, serverNonce, dialed) } satisfies Challenge), { binary: true });
  });
}

/**
 * Client side: open `url`, check the server's proof, send ours, and resolve with the socket once
 * the server accepted it. Rejects with an AuthError (bad-token when the server refuses our proof,
 * server-unproven when it cannot prove the secret) or the connection's own error.
 */
export function connectAuthenticated(
  url: string, secret: string,
  opts: { headers?: Record<string, string>; maxPayload?: number; timeoutMs?: number; perMessageDeflate?: boolean } = {},
): Promise<WebSocket> {
  const clientNonce = randomBytes(NONCE_BYTES);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ws = new WebSocket(url, {
    headers: authHeaders(clientNonce, opts.headers), maxPayload: opts.maxPayload, perMessageDeflate: opts.perMessageDeflate ?? false, handshakeTimeout: timeoutMs, generateMask: zeroMask,
  });
  ws.once("upgrade", (res) => coalesceWrites(ws, res.socket));
  const dialed = new URL(url).host;
  return new Promise<WebSocket>((resolve, reject) => {
    let stage: "upgrade" | "challenge" | "ok" = "upgrade";
    const fail = (e: Error) => {
      cleanup();
      try { ws.terminate(); } catch { /* gone */ }
      reject(e);
    };
    // The upgrade itself is bounded by ws's handshakeTimeout; this bounds the proofs after it.
    let timer: NodeJS.Timeout | undefined;
    const onMsg = (data: WebSocket.RawData, isBinary: boolean) => {
      const msg = decodeFrame(data, isBinary);
      if (stage === "challenge") {
        const c = msg as Partial<Challenge> | undefined;
        if (!c || c.t !== "auth-challenge" || !(c.nonce instanceof Uint8Array)) return fail(new AuthError("protocol", `${url} did not send an authentication challenge`));
        if (!sameBytes(c.proof, proof(secret, "server", clientNonce, c.nonce, dialed))) {
          return fail(new AuthError("server-unproven", `${url} could not prove the session secret (is this worker using the session's token?); refusing to work for it`));
        }
        stage = "ok";
        ws.send(encode({ t: "auth-response", proof: proof(secret, "client", clientNonce, c.nonce, dialed) } satisfies Response), { binary: true });
      } else if (stage === "ok") {
        if (!msg || msg.t !== "auth-ok") return fail(new AuthError("protocol", `${url} sent an unexpected message during authentication`));
        cleanup();
        resolve(ws);
      }
    };
    const onClose = (code: number, reason: Buffer) => {
      if (code === CLOSE_BAD_TOKEN) fail(new AuthError("bad-token", `${url} refused this peer: ${reason.toString() || "could not prove the session secret"}`));
      else fail(new AuthError("closed", `${url} closed the connection during authentication (code ${code})`));
    };
    const onUnexpected = (_req: unknown, res: import("node:http").IncomingMessage) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => { if (body.length < 500) body += c; });
      res.on("end", () => fail(new Error(`${url} refused the connection: HTTP ${res.statusCode}${body ? ` (${body.trim()})` : ""}`)));
      res.on("error", () => fail(new Error(`${url} refused the connection: HTTP ${res.statusCode}`)));
    };
    const onError = (e: Error) => fail(e);
    const cleanup = () => {
      clearTimeout(timer);
      ws.off("message", onMsg);
      ws.off("close", onClose);
      ws.off("unexpected-response", onUnexpected);
      ws.off("error", onError);
      ws.on("error", () => { /* the owner handles errors from now on */ });
    };
    ws.on("open", () => {
      stage = "challenge";
      timer = setTimeout(() => fail(new AuthError("timeout", `no authentication from ${url} in ${timeoutMs} ms`)), timeoutMs);
    });
    ws.on("message", onMsg);
    ws.on("close", onClose);
    ws.on("unexpected-response", onUnexpected);
    ws.on("error", onError);
  });
}
