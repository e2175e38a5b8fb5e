// Worker-to-worker data connections of a dataflow job (Flink's network stack between task
// managers): every slot listens on its own loopback port for the buffers and credits other slots send
// it, and opens one connection to every other slot for what it sends them. The hub on the driver
// only tells each slot where its peers listen; records never pass through the driver. A peer must
// present the job's secret (shipped with the task over the session's authenticated channel) and the
// current attempt in its first frame, otherwise it is disconnected. Frames are the engine's binary
// codec, so records keep their types (dates, bigints, decimals) across workers.

import WebSocket, { WebSocketServer } from "ws";
import { decode, encode } from "../common/codec";
import { sameSecret } from "../rpc/auth";
import type { StreamElement } from "./types";

export type PeerFrame =
  | { t: "buf"; ch: string; items: StreamElement[] }
  | { t: "credit"; ch: string };

/** One outgoing connection; `data` counts queued buffers (credits are not counted: see flushed()). */
interface Link { ws?: WebSocket; queue: Buffer[]; data: number }

interface Hello { t: "peer"; secret: string; attempt: number; from: number }

export class PeerLinks {
  private server?: WebSocketServer;
  private readonly out = new Map<number, Link>();
  private closed = false;
  /** Connections refused because the peer did not authenticate. */
  refused = 0;
  /** Buffers and bytes received from other slots (records that crossed workers, never via the driver). */
  buffersIn = 0;
  bytesIn = 0;

  constructor(
    private readonly slot: number,
    private readonly attempt: number,
    private readonly secret: string,
    private readonly onFrame: (f: PeerFrame) => void,
  ) {}

  /** Listen for peers; resolves with the URL to announce to the hub. */
  async listen(): Promise<string> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: 256 * 1024 * 1024 });
    this.server = server;
    await new Promise<void>((r) => server.once("listening", () => r()));
    server.on("connection", (ws) => this.accept(ws));
    return `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  private accept(ws: WebSocket): void {
    let trusted = false;
    ws.on("error", () => {});
    const timer = setTimeout(() => { if (!trusted) ws.close(4001, "no hello"); }, 5000);
    ws.on("message", (data, isBinary) => {
      if (!trusted) {
        let h: Hello | undefined;
        try { h = JSON.parse(String(data)) as Hello; } catch { h = undefined; }
        if (!h || h.t !== "peer" || !sameSecret(h.secret, this.secret) || h.attempt !== this.attempt) {
          this.refused++;
          clearTimeout(timer);
          ws.close(4003, "unauthorized");
          return;
        }
        trusted = true;
        clearTimeout(timer);
        return;
      }
      if (!isBinary) return;
      const f = decode<PeerFrame>(data as Buffer);
      if (f.t === "buf") { this.buffersIn++; this.bytesIn += (data as Buffer).length; }
      this.onFrame(f);
    });
  }

  /** Where the other slots listen (from the hub); connections open now, frames sent before that wait. */
  connect(urls: Record<string, string>): void {
    for (const [k, url] of Object.entries(urls)) {
      const to = Number(k);
      if (to === this.slot || this.closed) continue;
      const link = this.link(to);
      if (link.ws) continue;
      const ws = new WebSocket(url, { maxPayload: 256 * 1024 * 1024 });
      link.ws = ws;
      ws.on("error", () => {});
      ws.once("open", () => {
        ws.send(JSON.stringify({ t: "peer", secret: this.secret, attempt: this.attempt, from: this.slot } satisfies Hello));
        for (const b of link.queue.splice(0)) ws.send(b);
        link.data = 0;
      });
    }
  }

  private link(to: number): Link {
    let l = this.out.get(to);
    if (!l) this.out.set(to, (l = { queue: [], data: 0 }));
    return l;
  }

  send(to: number, f: PeerFrame): void {
    if (this.closed) return;
    const bytes = encode(f);
    const l = this.link(to);
    if (l.ws && l.ws.readyState === WebSocket.OPEN) l.ws.send(bytes);
    else { l.queue.push(bytes); if (f.t === "buf") l.data++; }
  }

  /**
   * Every data buffer sent has left this process: a finished slot waits for this before it closes,
   * since its last buffers may be queued for a consumer whose slot has not started yet. Credits are
   * not waited for: they go to producers, which may have finished and closed already (a consumer
   * always outlives its producers' data, a producer need not outlive its consumers' credits).
   */
  async flushed(stop: () => boolean): Promise<void> {
    const pending = () => [...this.out.values()].some((l) => l.data > 0 || (l.ws !== undefined && l.ws.readyState === WebSocket.OPEN && l.ws.bufferedAmount > 0));
    while (pending() && !stop() && !this.closed) await new Promise((r) => setTimeout(r, 5));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const l of this.out.values()) { try { l.ws?.close(); } catch { /* closing */ } }
    const s = this.server;
    if (s) {
      for (const c of s.clients) c.terminate();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
}
