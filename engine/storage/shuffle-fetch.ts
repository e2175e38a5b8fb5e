// The reduce side's block fetcher. Local blocks are read from disk directly; remote ones go
// through a per-process (per-thread) pool of WebSocket connections, one request per
// (address, shuffle, reduce partition) carrying all its map ids, several addresses at a time.
// Any failure becomes a FetchFailedError naming shuffle, map, reduce and address.

import WebSocket from "ws";
import { encode } from "../common/codec";
import { AuthError, connectAuthenticated } from "../rpc/auth";
import { FetchFailedError, type FetchFailureReason } from "./fetch-failed-error";
import { readLocalShuffleBlock } from "./shuffle-files";
import { FrameType, HEADER_BYTES, LAST_CHUNK, readHeader, shuffleUrl } from "./shuffle-protocol";

export interface FetchRequestSpec { address: string; shuffleId: number; mapIds: number[]; reduceId: number }

export interface FetchMetrics { localBytes: number; remoteBytes: number; localBlocks: number; remoteBlocks: number; fetchWaitMs: number }

export interface FetchOptions {
  token: string;
  localAddress: string;
  localDir: string;
  requests: FetchRequestSpec[];
  /** Fail a remote request after this long without any frame for it (default 120 s). */
  timeoutMs?: number;
  /** Addresses fetched from at the same time (default 8). */
  maxAddressesInFlight?: number;
  /**
   * Retries of a remote request that failed to connect or timed out, before the task reports a
   * fetch failure (Spark's spark.shuffle.io.maxRetries; default 3). A missing block or a refused
   * token fails at once: retrying cannot help.
   */
  maxRetries?: number;
  /** Wait before retry k is k times this (default 500 ms; Spark's spark.shuffle.io.retryWait). */
  retryWaitMs?: number;
}

export interface FetchedBlock { mapId: number; data: Buffer; shuffleId: number; reduceId: number; address: string }

const MAX_PAYLOAD = 64 << 20;

interface Pending {
  spec: FetchRequestSpec;
  remaining: Set<number>;
  partial: Map<number, { buf: Buffer; filled: number }>;
  done: Map<number, Buffer>;
  resolve: (m: Map<number, Buffer>) => void;
  reject: (e: FetchFailedError) => void;
  timer?: NodeJS.Timeout;
  timeoutMs: number;
}

/** One pooled connection to a peer's ShuffleServer. */
export class PeerConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  closed = false;

  constructor(readonly address: string, private readonly ws: WebSocket, private readonly onGone: () => void) {
    ws.on("message", (data: Buffer) => this.onFrame(data));
    ws.on("close", () => this.fail("connection", "connection closed by peer"));
    ws.on("error", (e) => this.fail("connection", e.message));
  }

  request(spec: FetchRequestSpec, timeoutMs: number): Promise<Map<number, Buffer>> {
    if (this.closed) return Promise.reject(failure(spec, spec.mapIds[0] ?? 0, "connection", "connection closed"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const p: Pending = { spec, remaining: new Set(spec.mapIds), partial: new Map(), done: new Map(), resolve, reject, timeoutMs };
      if (p.remaining.size === 0) return resolve(p.done);
      this.pending.set(id, p);
      this.arm(id, p);
      this.ws.send(encode({ id, shuffleId: spec.shuffleId, reduceId: spec.reduceId, mapIds: [...p.remaining] }), { binary: true });
    });
  }

  private arm(id: number, p: Pending): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      this.settle(id, p, failure(p.spec, first(p.remaining), "timeout", `no data for ${p.timeoutMs} ms`));
      // A peer that stopped answering is not trusted with later requests either.
      this.close();
    }, p.timeoutMs);
  }

  private onFrame(data: Buffer): void {
    if (data.length < HEADER_BYTES) return this.protocolError("short frame");
    const h = readHeader(data);
    const p = this.pending.get(h.requestId);
    if (!p) return;   // a request already failed or timed out
    if (!p.remaining.has(h.mapId)) return this.protocolError(`unrequested map ${h.mapId}`);
    this.arm(h.requestId, p);
    const payload = data.subarray(HEADER_BYTES);
    if (h.type === FrameType.Failure) {
      let reason: FetchFailureReason = "missing", detail = "";
      try { ({ reason, detail } = JSON.parse(payload.toString("utf8")) as { reason: FetchFailureReason; detail: string }); } catch { /* keep defaults */ }
      return this.settle(h.requestId, p, failure(p.spec, h.mapId, reason, detail));
    }
    if (h.type !== FrameType.Chunk) return this.protocolError(`unknown frame type ${h.type}`);
    let block: Buffer | undefined;
    const part = p.partial.get(h.mapId);
    if (!part && h.flags & LAST_CHUNK && payload.length === h.total) {
      block = payload;   // the common case: the whole block in one frame, no copy
    } else {
      const cur = part ?? { buf: Buffer.allocUnsafe(h.total), filled: 0 };
      if (cur.filled + payload.length > h.total) return this.protocolError("block longer than announced");
      payload.copy(cur.buf, cur.filled);
      cur.filled += payload.length;
      p.partial.set(h.mapId, cur);
      if (h.flags & LAST_CHUNK) {
        if (cur.filled !== h.total) return this.protocolError("block shorter than announced");
        block = cur.buf;
        p.partial.delete(h.mapId);
      }
    }
    if (block) {
      p.remaining.delete(h.mapId);
      p.done.set(h.mapId, block);
      if (p.remaining.size === 0) this.settle(h.requestId, p);
    }
  }

  private settle(id: number, p: Pending, err?: FetchFailedError): void {
    if (p.timer) clearTimeout(p.timer);
    this.pending.delete(id);
    if (err) p.reject(err); else p.resolve(p.done);
  }

  private protocolError(detail: string): void {
    this.fail("protocol", detail);
    this.close();
  }

  private fail(reason: FetchFailureReason, detail: string): void {
    if (!this.closed) { this.closed = true; this.onGone(); }
    for (const [id, p] of [...this.pending]) this.settle(id, p, failure(p.spec, first(p.remaining), reason, detail));
  }

  close(): void {
    this.fail("connection", "connection closed");
    this.ws.terminate();
  }
}

function first(s: Set<number>): number {
  for (const x of s) return x;
  return 0;
}

function failure(spec: FetchRequestSpec, mapId: number, reason: FetchFailureReason, detail: string): FetchFailedError {
  return new FetchFailedError({ shuffleId: spec.shuffleId, mapId, reduceId: spec.reduceId, address: spec.address, reason, detail });
}

/** Per-process pool: one connection per (address, token). */
const pool = new Map<string, Promise<PeerConnection>>();

/** The pooled connection to a peer (connecting on first use); failures name `spec`. */
export function connect(address: string, token: string, spec: FetchRequestSpec, timeoutMs = 120_000): Promise<PeerConnection> {
  const key = `${address}\u0000${token}`;
  const have = pool.get(key);
  if (have) return have;
  const forget = (): void => { if (pool.get(key) === p) pool.delete(key); };
  const p: Promise<PeerConnection> = (async () => {
    let url: string;
    try { url = shuffleUrl(address); new URL(url); } catch (e) {
      throw failure(spec, spec.mapIds[0] ?? 0, "connection", `bad address: ${(e as Error).message}`);
    }
    try {
      const ws = await connectAuthenticated(url, token, { maxPayload: MAX_PAYLOAD, timeoutMs, perMessageDeflate: false });
      return new PeerConnection(address, ws, forget);
    } catch (e) {
      forget();
      const reason: FetchFailureReason = e instanceof AuthError
        ? (e.code === "bad-token" || e.code === "server-unproven" ? "unauthorized" : e.code === "timeout" ? "timeout" : e.code === "closed" ? "connection" : "protocol")
        : /refused the connection: HTTP/.test((e as Error).message) ? "protocol" : "connection";
      throw failure(spec, spec.mapIds[0] ?? 0, reason, (e as Error).message);
    }
  })();
  pool.set(key, p);
  p.catch(() => { /* reported to the caller that awaits it */ });
  return p;
}

/**
 * One remote request on the pooled connection to its peer, retried when the peer could not be
 * reached or went silent (a busy or briefly unreachable worker), as Spark's RetryingBlockFetcher.
 */
export async function requestWithRetry(spec: FetchRequestSpec, opts: Pick<FetchOptions, "token" | "timeoutMs" | "maxRetries" | "retryWaitMs">): Promise<Map<number, Buffer>> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const maxRetries = Math.max(0, opts.maxRetries ?? 3);
  for (let attempt = 0; ; attempt++) {
    try {
      const conn = await connect(spec.address, opts.token, spec, timeoutMs);
      return await conn.request(spec, timeoutMs);
    } catch (e) {
      const retriable = e instanceof FetchFailedError && (e.reason === "connection" || e.reason === "timeout");
      if (!retriable || attempt >= maxRetries) throw e;
      await new Promise((r) => setTimeout(r, (opts.retryWaitMs ?? 500) * (attempt + 1)));
    }
  }
}

/** Close every pooled connection (process shutdown, tests). */
export async function closeShuffleClients(): Promise<void> {
  const all = [...pool.values()];
  pool.clear();
  for (const c of await Promise.allSettled(all)) if (c.status === "fulfilled") c.value.close();
}

/** Fetch the blocks a reduce task needs; blocks come back in request order, map ids as listed. */
export async function fetchShuffleBlocks(opts: FetchOptions): Promise<{ blocks: FetchedBlock[]; metrics: FetchMetrics }> {
  const metrics: FetchMetrics = { localBytes: 0, remoteBytes: 0, localBlocks: 0, remoteBlocks: 0, fetchWaitMs: 0 };
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const results: Array<Map<number, Buffer> | undefined> = new Array(opts.requests.length);
  const byAddress = new Map<string, number[]>();
  opts.requests.forEach((r, i) => {
    if (r.address === opts.localAddress && opts.localAddress !== "") {
      const m = new Map<number, Buffer>();
      for (const mapId of r.mapIds) {
        const data = readLocalShuffleBlock(opts.localDir, r.shuffleId, mapId, r.reduceId, r.address);
        m.set(mapId, data);
        metrics.localBytes += data.length;
        metrics.localBlocks++;
      }
      results[i] = m;
    } else {
      const l = byAddress.get(r.address);
      if (l) l.push(i); else byAddress.set(r.address, [i]);
    }
  });

  if (byAddress.size > 0) {
    const t0 = performance.now();
    const queue = [...byAddress];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [, idxs] = next;
        // All requests to one peer are pipelined on its pooled connection.
        await Promise.all(idxs.map(async (i) => {
          const spec = opts.requests[i]!;
          const m = await requestWithRetry(spec, { ...opts, timeoutMs });
          for (const b of m.values()) { metrics.remoteBytes += b.length; metrics.remoteBlocks++; }
          results[i] = m;
        }));
      }
    };
    const n = Math.min(opts.maxAddressesInFlight ?? 8, byAddress.size);
    await Promise.all(Array.from({ length: n }, worker));
    metrics.fetchWaitMs = performance.now() - t0;
  }

  const blocks: FetchedBlock[] = [];
  opts.requests.forEach((r, i) => {
    const m = results[i]!;
    for (const mapId of r.mapIds) {
      blocks.push({ mapId, data: m.get(mapId)!, shuffleId: r.shuffleId, reduceId: r.reduceId, address: r.address });
    }
  });
  return { blocks, metrics };
}
