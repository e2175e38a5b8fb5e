import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect as netConnect, createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { encode } from "../common/codec";
import { AuthError, authenticateClient, checkUpgrade, connectAuthenticated } from "./auth";
import { NONCE_HEADER, PROTOCOL_VERSION, VERSION_HEADER } from "./protocol";

const SECRET = "the-session-secret-0123456789abcdef";
const closers: Array<() => void> = [];
afterEach(() => { for (const c of closers.splice(0)) c(); });

/** A server that runs the real server side of the handshake; reports each peer's outcome. */
async function authServer(secret: string, opts: { timeoutMs?: number } = {}) {
  const http: Server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const outcomes: Array<string> = [];
  const accepted: WebSocket[] = [];
  let port = 0;
  http.on("upgrade", (req: IncomingMessage, socket, head) => {
    const refusal = checkUpgrade(req, port);
    if (refusal) { socket.end(`HTTP/1.1 ${refusal.code} Refused\r\nContent-Length: 0\r\n\r\n`); outcomes.push(String(refusal.code)); return; }
    wss.handleUpgrade(req, socket, head, (ws) => {
      authenticateClient(ws, req, secret, opts.timeoutMs).then(
        () => { outcomes.push("ok"); accepted.push(ws); ws.on("message", (d) => ws.send(d)); },
        (e: AuthError) => outcomes.push(e.code),
      );
    });
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", () => r()));
  port = (http.address() as { port: number }).port;
  closers.push(() => { for (const ws of accepted) ws.terminate(); http.closeAllConnections(); http.close(); wss.close(); });
  return { url: `ws://127.0.0.1:${port}`, port, outcomes };
}

/** Raw TCP server recording every byte a client sends it. */
async function recorder(onConn: (sock: Socket, bytes: () => Buffer) => void = () => {}) {
  const chunks: Buffer[] = [];
  const srv: NetServer = createNetServer((sock) => { sock.on("data", (d) => chunks.push(d)); onConn(sock, () => Buffer.concat(chunks)); });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  closers.push(() => srv.close());
  return { port: (srv.address() as { port: number }).port, bytes: () => Buffer.concat(chunks), srv };
}

const until = async (f: () => boolean) => { for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10)); };

describe("mutual authentication", () => {
  it("both sides prove the secret; the connection then carries messages", async () => {
    const s = await authServer(SECRET);
    const ws = await connectAuthenticated(s.url, SECRET);
    closers.push(() => ws.terminate());
    const echo = new Promise<string>((r) => ws.once("message", (d) => r(String(d))));
    ws.send("hello");
    expect(await echo).toBe("hello");
    expect(s.outcomes).toEqual(["ok"]);
  });

  it("a client with the wrong secret is refused by the server (and told so)", async () => {
    const s = await authServer(SECRET);
    const err = await connectAuthenticated(s.url, "wrong-secret").then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).code).toBe("server-unproven");
    await until(() => s.outcomes.length > 0);
    // The client stops at the server's proof: it never answered, so the server times out or sees a close.
    expect(s.outcomes[0]).toMatch(/closed|timeout/);
  });

  it("a server with the wrong secret gets no proof from the client, and a client that lies is refused", async () => {
    // Server knows another secret: the client refuses it before sending anything derived from its own.
    const s = await authServer("another-session");
    const err = await connectAuthenticated(s.url, SECRET).then(() => undefined, (e: unknown) => e);
    expect((err as AuthError).code).toBe("server-unproven");
    // A client that skips checking the server and sends a bogus proof is refused with bad-token.
    const s2 = await authServer(SECRET);
    const raw = new WebSocket(s2.url, { headers: { [VERSION_HEADER]: String(PROTOCOL_VERSION), [NONCE_HEADER]: "ab".repeat(32) } });
    closers.push(() => raw.terminate());
    const closed = new Promise<number>((r) => raw.once("close", (c) => r(c)));
    raw.once("message", () => raw.send(encode({ t: "auth-response", proof: new Uint8Array(32) })));
    expect(await closed).toBe(4001);
    await until(() => s2.outcomes.length > 0);
    expect(s2.outcomes).toEqual(["bad-token"]);
  });

  it("a fake server never sees the secret", async () => {
    const fake = await recorder((sock) => {
      // Accept the upgrade like a WebSocket server would, then wait.
      sock.once("data", (d) => {
        const key = /sec-websocket-key: (.+)\r\n/i.exec(String(d))?.[1]?.trim() ?? "";
        const accept = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
        sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      });
    });
    const err = await connectAuthenticated(`ws://127.0.0.1:${fake.port}`, SECRET, { timeoutMs: 500 }).then(() => undefined, (e: unknown) => e);
    expect((err as AuthError).code).toBe("timeout");
    expect(fake.bytes().length).toBeGreaterThan(0);
    expect(fake.bytes().toString("latin1")).not.toContain(SECRET);
  });

  it("refuses a relay: the proofs are bound to the address the client dialed", async () => {
    const s = await authServer(SECRET);
    // A relay on another port that forwards bytes both ways, rewriting Host so the server's port check passes.
    const relay = createNetServer((client) => {
      const upstream = netConnect(s.port, "127.0.0.1");
      let first = true;
      client.on("data", (d) => {
        if (first) { first = false; upstream.write(String(d).replace(/host: [^\r]+/i, `Host: 127.0.0.1:${s.port}`)); } else upstream.write(d);
      });
      upstream.on("data", (d) => client.write(d));
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      client.on("error", () => {}); upstream.on("error", () => {});
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", () => r()));
    closers.push(() => relay.close());
    const port = (relay.address() as { port: number }).port;
    const err = await connectAuthenticated(`ws://127.0.0.1:${port}`, SECRET).then(() => undefined, (e: unknown) => e);
    expect((err as AuthError).code).toBe("server-unproven");
    // A relay that does not rewrite Host is refused at the upgrade.
    const s2 = await authServer(SECRET);
    const relay2 = createNetServer((client) => {
      const upstream = netConnect(s2.port, "127.0.0.1");
      client.pipe(upstream); upstream.pipe(client);
      client.on("error", () => {}); upstream.on("error", () => {});
    });
    await new Promise<void>((r) => relay2.listen(0, "127.0.0.1", () => r()));
    closers.push(() => relay2.close());
    const err2 = await connectAuthenticated(`ws://127.0.0.1:${(relay2.address() as { port: number }).port}`, SECRET).then(() => undefined, (e: unknown) => e);
    expect(String(err2)).toMatch(/HTTP 421/);
    expect(s2.outcomes).toEqual(["421"]);
  });

  it("upgrade checks: another protocol version is 426, a missing nonce 400; a silent client times out", async () => {
    const s = await authServer(SECRET, { timeoutMs: 300 });
    const status = (headers: Record<string, string>) => new Promise<number>((resolve) => {
      const ws = new WebSocket(s.url, { headers });
      ws.on("unexpected-response", (_q, res) => { resolve(res.statusCode ?? 0); res.resume(); });
      ws.on("open", () => resolve(101));
      ws.on("error", () => resolve(-1));
      closers.push(() => ws.terminate());
    });
    expect(await status({ [VERSION_HEADER]: "1", [NONCE_HEADER]: "ab".repeat(32) })).toBe(426);
    expect(await status({ [VERSION_HEADER]: String(PROTOCOL_VERSION) })).toBe(400);
    expect(await status({ [VERSION_HEADER]: String(PROTOCOL_VERSION), [NONCE_HEADER]: "ab".repeat(32) })).toBe(101);
    await until(() => s.outcomes.includes("timeout"));
    expect(s.outcomes).toEqual(["426", "400", "timeout"]);
  });
});
