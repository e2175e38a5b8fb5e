// Serves this worker's shuffle blocks to peers, on the worker's main thread (tasks run in
// worker_threads and write the files; this only reads them). A peer passes the upgrade checks
// and then the mutual challenge-response of rpc/auth.ts before any request is read (the secret
// never crosses the wire); reads are async so heartbeats are never starved,
// and sends wait for the socket to drain past a high-water mark.

import { createServer, type IncomingMessage, type Server } from "node:http";
import { open } from "node:fs/promises";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { decode } from "../common/codec";
import { authenticateClient, checkUpgrade } from "../rpc/auth";
import { FetchFailedError } from "./fetch-failed-error";
import {
  CHUNK_BYTES, CLOSE_INVALID, CLOSE_UNSUPPORTED, FrameType, HEADER_BYTES, isFetchRequest, LAST_CHUNK,
  SHUFFLE_PATH, writeHeader, type FetchRequest,
} from "./shuffle-protocol";
import { locateShuffleBlock } from "./shuffle-files";

const HIGH_WATER = 16 << 20;

export interface ShuffleServerOptions { dir: string; token: string; host?: string; port?: number }

export class ShuffleServer {
  private http?: Server;
  private wss?: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private addr = "";
  private port = 0;
  /** Blocks and bytes served, for metrics and tests. */
  readonly stats = { requests: 0, blocks: 0, bytes: 0, refused: 0 };

  constructor(private readonly opts: ShuffleServerOptions) {}

  get address(): string { return this.addr; }

  /** Listen; resolves to "ws://host:port". */
  async start(): Promise<string> {
    if (this.http) return this.addr;
    const host = this.opts.host ?? "127.0.0.1";
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20, perMessageDeflate: false });
    const http = createServer((_req, res) => { res.writeHead(426, { "content-type": "text/plain" }); res.end("WebSocket only\n"); });
    http.on("upgrade", (req, socket, head) => this.onUpgrade(req, socket, head));
    this.wss = wss;
    this.http = http;
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(this.opts.port ?? 0, host, () => { http.off("error", reject); resolve(); });
    });
    const a = http.address();
    const port = typeof a === "object" && a ? a.port : this.opts.port ?? 0;
    this.port = port;
    this.addr = `ws://${host.includes(":") ? `[${host}]` : host}:${port}`;
    return this.addr;
  }

  /** Stop listening and drop every peer connection. */
  async close(): Promise<void> {
    const http = this.http;
    if (!http) return;
    this.http = undefined;
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    this.wss?.close();
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeAllConnections();   // idle keep-alive sockets would otherwise hold close() open
    await closed;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? "").split("?")[0];
    socket.on("error", () => socket.destroy());
    const refuse = (status: string) => {
      this.stats.refused++;
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (path !== SHUFFLE_PATH) return refuse("404 Not Found");
    const refusal = checkUpgrade(req, this.port);
    if (refusal) return refuse(`${refusal.code} Refused`);
    this.wss!.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on("close", () => this.sockets.delete(ws));
      ws.on("error", () => ws.terminate());
      authenticateClient(ws, req, this.opts.token).then(
        () => this.onConnection(ws),
        () => { this.stats.refused++; },
      );
    });
  }

  private onConnection(ws: WebSocket): void {
    // Requests of one connection are served in order, one block at a time, which bounds memory.
    let chain = Promise.resolve();
    ws.on("message", (data, isBinary) => {
      if (!isBinary) return ws.close(CLOSE_UNSUPPORTED, "binary frames only");
      let req: unknown;
      try { req = decode(data as Buffer); } catch { return ws.close(CLOSE_INVALID, "undecodable request"); }
      if (!isFetchRequest(req)) return ws.close(CLOSE_INVALID, "malformed fetch request");
      const r = req;
      chain = chain.then(() => this.serve(ws, r)).catch(() => ws.terminate());
    });
  }

  private async serve(ws: WebSocket, req: FetchRequest): Promise<void> {
    this.stats.requests++;
    for (const mapId of req.mapIds) {
      if (ws.readyState !== ws.OPEN) return;
      try {
        await this.sendBlock(ws, req, mapId);
        this.stats.blocks++;
      } catch (e) {
        const f = FetchFailedError.from(e);
        const body = Buffer.from(JSON.stringify({ reason: f?.reason ?? "missing", detail: e instanceof Error ? e.message : String(e) }));
        const buf = Buffer.allocUnsafe(HEADER_BYTES + body.length);
        writeHeader(buf, { type: FrameType.Failure, flags: LAST_CHUNK, requestId: req.id, mapId, total: body.length });
        body.copy(buf, HEADER_BYTES);
        await this.send(ws, buf);
      }
    }
  }

  private async sendBlock(ws: WebSocket, req: FetchRequest, mapId: number): Promise<void> {
    const loc = locateShuffleBlock(this.opts.dir, req.shuffleId, mapId, req.reduceId);
    const head = { type: FrameType.Chunk, requestId: req.id, mapId, total: loc.length };
    if (loc.length === 0) {
      const buf = Buffer.allocUnsafe(HEADER_BYTES);
      writeHeader(buf, { ...head, flags: LAST_CHUNK });
      return this.send(ws, buf);
    }
    let fh;
    try { fh = await open(loc.path, "r"); } catch (e) {
      throw new FetchFailedError({ shuffleId: req.shuffleId, mapId, reduceId: req.reduceId, address: this.addr, reason: "missing", cause: e });
    }
    try {
      for (let off = 0; off < loc.length;) {
        const n = Math.min(CHUNK_BYTES, loc.length - off);
        // Read straight behind the header: the frame goes out without another copy.
        const buf = Buffer.allocUnsafe(HEADER_BYTES + n);
        let got = 0;
        while (got < n) {
          const { bytesRead } = await fh.read(buf, HEADER_BYTES + got, n - got, loc.offset + off + got);
          if (bytesRead === 0) throw new FetchFailedError({ shuffleId: req.shuffleId, mapId, reduceId: req.reduceId, address: this.addr, reason: "corrupt", detail: "data file shorter than its index" });
          got += bytesRead;
        }
        off += n;
        writeHeader(buf, { ...head, flags: off >= loc.length ? LAST_CHUNK : 0 });
        this.stats.bytes += n;
        await this.send(ws, buf);
      }
    } finally {
      await fh.close();
    }
  }

  private send(ws: WebSocket, buf: Buffer): Promise<void> {
    if (ws.readyState !== ws.OPEN) return Promise.resolve();
    if (ws.bufferedAmount < HIGH_WATER) { ws.send(buf, { binary: true }); return Promise.resolve(); }
    return new Promise((resolve) => ws.send(buf, { binary: true }, () => resolve()));
  }
}
