// Worker-to-worker connections between the tasks of one job that run at the same time (Flink's
// network stack between task managers, Pregel's workers exchanging messages): every task listens on
// its own loopback port for the frames other tasks send it, and opens one connection to every other
// task for what it sends them. A hub on the driver only tells each task where its peers listen;
// frames never pass through the driver. A peer must present the job's secret (shipped with the task
// over the session's authenticated channel) and the current attempt in its first frame, otherwise it
// is disconnected. Frames are the engine's binary codec, so values keep their types (dates, bigints,
// decimals, typed arrays) across workers. Used by the dataflow engine and Pregel's barrier mode.

import WebSocket, { WebSocketServer } from "ws";
import { decode, encode } from "../common/codec";
import { sameSecret } from "./auth";
import { zeroMask } from "./transport";

/** One outgoing connection; `data` counts queued data frames (control frames are not counted: see flushed()). */
interface Link { ws?: WebSocket; queue: Buffer[]; data: number }

interface Hello { t: "peer"; secret: string; attempt: number; from: number }

export class PeerLinks<F extends { t: string }> {
  private server?: WebSocketServer;
  private readonly out = new Map<number, Link>();
  private closed = false;
  /** Connections refused because the peer did not authenticate. */
  refused = 0;
  /** Data frames and bytes received from other tasks (data that crossed workers, never via the driver). */
  buffersIn = 0;
  bytesIn = 0;

  constructor(
    private readonly slot: number,
    private readonly attempt: number,
    private readonly secret: string,
    private readonly onFrame: (f: F) => void,
    /** Which frames carry data (counted in buffersIn and waited for by flushed()); all by default. */
    private readonly isData: (f: F) => boolean = () => true,
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
      const f = decode<F>(data as Buffer);
      if (this.isData(f)) { this.buffersIn++; this.bytesIn += (data as Buffer).length; }
      this.onFrame(f);
    });
  }

  /** Where the other tasks listen (from the hub); connections open now, frames sent before that wait. */
  connect(urls: Record<string, string>): void {
    for (const [k, url] of Object.entries(urls)) {
      const to = Number(k);
      if (to === this.slot || this.closed) continue;
      const link = this.link(to);
      if (link.ws) continue;
      const ws = new WebSocket(url, { maxPayload: 256 * 1024 * 1024, generateMask: zeroMask });
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

  send(to: number, f: F): void {
    if (this.closed) return;
    const bytes = encode(f);
    const l = this.link(to);
    if (l.ws && l.ws.readyState === WebSocket.OPEN) l.ws.send(bytes);
    else { l.queue.push(bytes); if (this.isData(f)) l.data++; }
  }

  /**
   * Every data frame sent has left this process: a finished task waits for this before it closes,
   * since its last frames may be queued for a consumer whose task has not started yet. Control
   * frames (the dataflow's credits) are not waited for: they go to producers, which may have finished
   * and closed already (a consumer always outlives its producers' data, a producer need not outlive
   * its consumers' credits).
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
