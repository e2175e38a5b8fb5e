// The driver's side of the wire: a WebSocket server that workers connect to. Each peer passes
// the upgrade checks (protocol version, nonce, port), then proves the session secret in a mutual
// challenge-response (rpc/auth.ts) before any message is read. Every message is shape-checked;
// a frame that is too large, undecodable or malformed closes that peer's connection with a
// logged reason and never reaches the scheduler. Heartbeats are judged in the driver's awake
// time (heartbeat-monitor.ts). It turns socket events into calls on the scheduler's event sink
// and never schedules anything itself.

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import WebSocket, { WebSocketServer } from "ws";
import { authenticateClient, checkUpgrade } from "../rpc/auth";
import { closeReason, coalesceWrites, onMessage, send } from "../rpc/transport";
import { validateWorkerMessage } from "../rpc/validate";
import {
  CLOSE_BAD_MESSAGE, CLOSE_DUPLICATE_WORKER, type DriverToWorker, type TaskEndMessage, type WorkerToDriver,
} from "../rpc/protocol";
import { HeartbeatMonitor } from "./heartbeat-monitor";
import { ExecutionError, errorFromWire } from "../common/errors";

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
  /** A worker silent (in driver awake time) for this long is declared lost. */
  heartbeatTimeoutMs?: number;
  /** Largest frame a peer may send, bytes (spark.rpc.message.maxSize; default 128 MiB). */
  maxFrameBytes?: number;
  /** Time a connecting peer has to authenticate. */
  authTimeoutMs?: number;
  /** Longest close() waits for peers to go before dropping them. */
  closeTimeoutMs?: number;
  events: DriverEvents;
}

export const DEFAULT_MAX_FRAME_BYTES = 128 * 1024 * 1024;

export class DriverEndpoint {
  private http?: Server;
  private wss?: WebSocketServer;
  private readonly sockets = new Map<string, WebSocket>();
  private readonly memory = new Map<string, number>();   // worker id -> rss at its last heartbeat
  /** Every open connection, registered or not (close() must end them all). */
  private readonly peers = new Set<WebSocket>();
  private monitor?: HeartbeatMonitor;
  private closed = false;
  private nextRequest = 1;
  private readonly requests = new Map<number, { workerId: string; resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout; lost(why: string, sent?: boolean): Error }>();
  private port = 0;
  url = "";

  constructor(private readonly opts: DriverEndpointOptions) {}

  get maxFrameBytes(): number {
    return this.opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  async start(): Promise<string> {
    const host = this.opts.host ?? "127.0.0.1";
    this.http = createServer((_req, res) => { res.writeHead(426).end("WebSocket only"); });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.maxFrameBytes, perMessageDeflate: false });
    this.http.on("upgrade", (req, socket, head) => this.onUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      this.http!.once("error", reject);
      this.http!.listen(this.opts.port ?? 0, host, () => { this.http!.off("error", reject); resolve(); });
    });
    this.http.unref(); // only what the driver waits for keeps the process alive (keep-alive.ts)
    const addr = this.http.address();
    this.port = typeof addr === "object" && addr ? addr.port : 0;
    this.url = `ws://${host.includes(":") ? `[${host}]` : host}:${this.port}`;
    this.monitor = new HeartbeatMonitor({
      timeoutMs: this.opts.heartbeatTimeoutMs ?? 10_000,
      onSilent: (id, ms) => this.drop(id, `no heartbeat for ${Math.round(ms)} ms while the driver was responsive (hung or unreachable worker)`),
    });
    this.monitor.start();
    return this.url;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    if (this.closed) { socket.destroy(); return; }
    const refusal = checkUpgrade(req, this.port);
    if (refusal) {
      this.log("(connecting peer)", "warn", `refused a connection from ${req.socket.remoteAddress}: ${refusal.reason}`);
      socket.end(`HTTP/1.1 ${refusal.code} Refused\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(refusal.reason)}\r\n\r\n${refusal.reason}`);
      return;
    }
    this.wss!.handleUpgrade(req, socket, head, (ws) => {
      (socket as Duplex & { unref?: () => void }).unref?.();
      coalesceWrites(ws, socket);
      this.peers.add(ws);
      ws.on("close", () => this.peers.delete(ws));
      ws.on("error", (e) => this.log("(peer)", "warn", `connection error: ${e.message}`));
      authenticateClient(ws, req, this.opts.token, this.opts.authTimeoutMs).then(
        () => { if (!this.closed) this.accept(ws); else ws.terminate(); },
        (e: Error) => this.log("(connecting peer)", "warn", `refused a connection from ${req.socket.remoteAddress}: ${e.message}`),
      );
    });
  }

  private log(who: string, level: "info" | "warn" | "error", text: string): void {
    try { this.opts.events.log?.(who, level, text); } catch { /* a logger must not break the endpoint */ }
  }

  /** Close a peer that broke the protocol; the session goes on. */
  private closeBad(ws: WebSocket, workerId: string, why: string): void {
    this.log(workerId || "(unregistered peer)", "error", `closing connection: ${why}`);
    try { ws.close(CLOSE_BAD_MESSAGE, closeReason(why)); } catch { /* gone */ }
    setTimeout(() => ws.terminate(), 1000).unref();
    if (workerId && this.sockets.get(workerId) === ws) this.drop(workerId, `protocol violation: ${why}`);
  }

  private accept(ws: WebSocket): void {
    let workerId = "";
    const handle = (msg: WorkerToDriver) => {
      if (msg.t !== "register" && !workerId) return this.closeBad(ws, "", `'${msg.t}' before 'register'`);
      if (workerId) this.monitor?.beat(workerId);
      switch (msg.t) {
        case "register": {
          if (workerId) return this.closeBad(ws, workerId, "registered twice on one connection");
          const holder = this.sockets.get(msg.workerId);
          if (holder && holder !== ws) {
            this.log(msg.workerId, "error", `refused a second worker registering as '${msg.workerId}' (that id is taken by a live worker)`);
            try { ws.close(CLOSE_DUPLICATE_WORKER, closeReason(`worker id '${msg.workerId}' is already registered`)); } catch { /* gone */ }
            return;
          }
          workerId = msg.workerId;
          this.sockets.set(workerId, ws);
          this.monitor?.beat(workerId);
          send(ws, { t: "registered", workerId, maxFrameBytes: this.maxFrameBytes } satisfies DriverToWorker);
          this.opts.events.workerRegistered({
            workerId, pid: msg.pid, host: msg.host, slots: msg.slots, shuffleAddress: msg.shuffleAddress, localDir: msg.localDir,
          });
          break;
        }
        case "heartbeat":
          if (msg.rssBytes !== undefined) this.memory.set(workerId, msg.rssBytes);
          break;
        case "taskEnd":
          this.opts.events.taskEnded(workerId, msg);
          break;
        case "log":
          this.log(workerId, msg.level, msg.text);
          break;
        case "serviceReply": {
          const p = this.requests.get(msg.reqId);
          if (!p || p.workerId !== workerId) break;
          this.requests.delete(msg.reqId);
          clearTimeout(p.timer);
          if (msg.error) p.reject(errorFromWire(msg.error)); else p.resolve(msg.result);
          break;
        }
      }
    };
    onMessage<unknown>(ws, (raw) => {
      if (this.closed) return;
      const why = validateWorkerMessage(raw);
      if (why) return this.closeBad(ws, workerId, `malformed message: ${why}`);
      try {
        handle(raw as WorkerToDriver);
      } catch (e) {
        // A bug on the driver's side while handling a valid message: report it, keep serving.
        this.log(workerId, "error", `internal error handling '${(raw as WorkerToDriver).t}': ${(e as Error).stack ?? e}`);
      }
    }, (why) => this.closeBad(ws, workerId, why));
    let tooBig = false;
    ws.on("error", (e: Error & { code?: string }) => { if (e.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") tooBig = true; });
    ws.on("close", () => {
      if (workerId && this.sockets.get(workerId) === ws) {
        const reason = tooBig ? `connection closed: a frame exceeded spark.rpc.message.maxSize (${this.maxFrameBytes} bytes)` : "connection closed (worker process exited or was killed)";
        this.drop(workerId, reason);
      } else if (tooBig) {
        this.log(workerId || "(unregistered peer)", "error", `closed connection: a frame exceeded spark.rpc.message.maxSize (${this.maxFrameBytes} bytes)`);
      }
    });
  }

  /**
   * Ask a service the worker hosts in its main thread (engine/cluster/worker-services.ts). Rejects
   * with WORKER_LOST when the worker is gone or goes away before replying (parameter `sent`: false
   * when the request never left, so it certainly did not run), and after `timeoutMs`.
   */
  request(workerId: string, service: string, op: unknown, timeoutMs = 30_000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const reqId = this.nextRequest++;
      const lost = (why: string, sent = true) => new ExecutionError("WORKER_LOST", `worker ${workerId} ${why} (service '${service}')`, { parameters: { workerId, service, sent } });
      const timer = setTimeout(() => { this.requests.delete(reqId); reject(new ExecutionError("WORKER_SERVICE_TIMEOUT", `worker ${workerId} did not answer service '${service}' within ${timeoutMs} ms`, { parameters: { workerId, service } })); }, timeoutMs);
      timer.unref?.();
      this.requests.set(reqId, { workerId, resolve, reject, timer, lost });
      if (!this.send(workerId, { t: "service", reqId, service, op })) {
        this.requests.delete(reqId);
        clearTimeout(timer);
        reject(lost("is not connected", false));
      }
    });
  }

  /** Forget a worker and tell the scheduler it is lost. */
  drop(workerId: string, reason: string): void {
    const ws = this.sockets.get(workerId);
    if (!ws && !this.monitor?.has(workerId)) return;
    for (const [id, p] of this.requests) {
      if (p.workerId !== workerId) continue;
      this.requests.delete(id);
      clearTimeout(p.timer);
      p.reject(p.lost(`was lost: ${reason}`));
    }
    this.sockets.delete(workerId);
    this.memory.delete(workerId);
    this.monitor?.forget(workerId);
    try { ws?.terminate(); } catch { /* already gone */ }
    if (!this.closed) this.opts.events.workerLost(workerId, reason);
  }

  /** The worker process's resident memory at its last heartbeat, when it said. */
  memoryBytes(workerId: string): number | undefined {
    return this.memory.get(workerId);
  }

  /** Wall-clock time of the worker's last message, or undefined for an unknown worker. */
  lastHeartbeat(workerId: string): number | undefined {
    return this.monitor?.lastHeartbeat(workerId);
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

  /** Tell registered workers to shut down and end every connection; bounded whatever state peers are in. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.monitor?.stop();
    for (const p of this.requests.values()) { clearTimeout(p.timer); p.reject(p.lost("stopped: the session is stopping")); }
    this.requests.clear();
    const registered = new Set(this.sockets.values());
    for (const [id, ws] of this.sockets) {
      send(ws, { t: "shutdown" } satisfies DriverToWorker);
      ws.close();
      this.sockets.delete(id);
    }
    const timeout = this.opts.closeTimeoutMs ?? 2000;
    const http = this.http;
    const done = Promise.all([
      new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r())),
      new Promise<void>((r) => (http ? http.close(() => r()) : r())),
      ...[...this.peers].map((ws) => new Promise<void>((r) => { if (ws.readyState === WebSocket.CLOSED) r(); else ws.once("close", () => r()); })),
    ]);
    // Peers mid-handshake were never registered: they are cut at once.
    for (const ws of this.peers) if (!registered.has(ws) && ws.readyState !== WebSocket.CLOSED) ws.terminate();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((r) => { timer = setTimeout(r, timeout); })]);
    if (timer) clearTimeout(timer);
    for (const ws of this.peers) ws.terminate();
    http?.closeAllConnections();
  }
}
