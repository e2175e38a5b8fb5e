// The driver's side of the wire: a WebSocket server that workers connect to. It checks each
// peer's token and protocol version at upgrade time, tracks heartbeats, and turns socket events
// into calls on the scheduler's event sink. It never schedules anything itself.

import { createServer, type Server } from "node:http";
import WebSocket, { WebSocketServer } from "ws";
import { checkHandshake, onMessage, send } from "../rpc/transport";
import { WORKER_ID_HEADER, type DriverToWorker, type TaskEndMessage, type WorkerToDriver } from "../rpc/protocol";

export interface RegisteredWorker {
  workerId: string;
  pid: number;
  host: string;
  slots: number;
  shuffleAddress: string;
  localDir: string;
}

export interface DriverEvents {
  workerRegistered(w: RegisteredWorker): void;
  taskEnded(workerId: string, msg: TaskEndMessage): void;
  workerLost(workerId: string, reason: string): void;
  log?(workerId: string, level: string, text: string): void;
}

export interface DriverEndpointOptions {
  token: string;
  host?: string;
  port?: number;
  /** A worker silent for this long is declared lost. */
  heartbeatTimeoutMs?: number;
  events: DriverEvents;
}

export class DriverEndpoint {
  private http?: Server;
  private wss?: WebSocketServer;
  private readonly sockets = new Map<string, WebSocket>();
  private readonly lastBeat = new Map<string, number>();
  private monitor?: NodeJS.Timeout;
  private closed = false;
  url = "";

  constructor(private readonly opts: DriverEndpointOptions) {}

  async start(): Promise<string> {
    const host = this.opts.host ?? "127.0.0.1";
    this.http = createServer((_req, res) => { res.writeHead(426).end("WebSocket only"); });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 30 });
    this.http.on("upgrade", (req, socket, head) => {
      const refusal = checkHandshake(req, this.opts.token);
      if (refusal) {
        socket.write(`HTTP/1.1 ${refusal.code} Refused\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${refusal.reason}`);
        socket.destroy();
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.accept(ws, String(req.headers[WORKER_ID_HEADER] ?? "")));
    });
    await new Promise<void>((resolve, reject) => {
      this.http!.once("error", reject);
      this.http!.listen(this.opts.port ?? 0, host, () => resolve());
    });
    const addr = this.http.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    this.url = `ws://${host}:${port}`;
    const timeout = this.opts.heartbeatTimeoutMs ?? 10_000;
    this.monitor = setInterval(() => {
      const now = Date.now();
      for (const [id, t] of this.lastBeat) {
        if (now - t > timeout) this.drop(id, `no heartbeat for ${now - t} ms (hung or unreachable worker)`);
      }
    }, Math.max(100, Math.min(1000, timeout / 4)));
    this.monitor.unref();
    return this.url;
  }

  private accept(ws: WebSocket, claimedId: string): void {
    let workerId = claimedId;
    onMessage<WorkerToDriver>(ws, (msg) => {
      switch (msg.t) {
        case "register":
          workerId = msg.workerId;
          this.sockets.set(workerId, ws);
          this.lastBeat.set(workerId, Date.now());
          send(ws, { t: "registered", workerId } satisfies DriverToWorker);
          this.opts.events.workerRegistered({
            workerId, pid: msg.pid, host: msg.host, slots: msg.slots, shuffleAddress: msg.shuffleAddress, localDir: msg.localDir,
          });
          break;
        case "heartbeat":
          if (this.lastBeat.has(msg.workerId)) this.lastBeat.set(msg.workerId, Date.now());
          break;
        case "taskEnd":
          this.lastBeat.set(workerId, Date.now());
          this.opts.events.taskEnded(workerId, msg);
          break;
        case "log":
          this.opts.events.log?.(workerId, msg.level, msg.text);
          break;
      }
    });
    ws.on("close", () => {
      if (workerId && this.sockets.get(workerId) === ws) this.drop(workerId, "connection closed (worker process exited or was killed)");
    });
    ws.on("error", () => { /* close follows */ });
  }

  /** Forget a worker and tell the scheduler it is lost. */
  drop(workerId: string, reason: string): void {
    const ws = this.sockets.get(workerId);
    if (!ws && !this.lastBeat.has(workerId)) return;
    this.sockets.delete(workerId);
    this.lastBeat.delete(workerId);
    try { ws?.terminate(); } catch { /* already gone */ }
    if (!this.closed) this.opts.events.workerLost(workerId, reason);
  }

  send(workerId: string, msg: DriverToWorker): boolean {
    const ws = this.sockets.get(workerId);
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    send(ws, msg);
    return true;
  }

  broadcast(msg: DriverToWorker): void {
    for (const id of this.sockets.keys()) this.send(id, msg);
  }

  get workerIds(): string[] {
    return [...this.sockets.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.monitor) clearInterval(this.monitor);
    for (const [id, ws] of this.sockets) {
      send(ws, { t: "shutdown" } satisfies DriverToWorker);
      ws.close();
      this.sockets.delete(id);
    }
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
    await new Promise<void>((r) => (this.http ? this.http.close(() => r()) : r()));
  }
}
