import { createServer, type Server, type Socket } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { afterAll, describe, expect, it } from "vitest";
import { canonical, partitionForKey } from "../common/keys";
import { encode } from "../common/codec";
import { FetchFailedError } from "./fetch-failed-error";
import { decodeShuffleBlock, readLocalShuffleBlock, removeShuffle } from "./shuffle-files";
import { closeShuffleClients, fetchShuffleBlocks } from "./shuffle-fetch";
import { ShuffleServer } from "./shuffle-server";
import { SHUFFLE_PATH } from "./shuffle-protocol";
import { randomBytes } from "node:crypto";
import { authHeaders, connectAuthenticated } from "../rpc/auth";
import { PROTOCOL_VERSION, VERSION_HEADER } from "../rpc/protocol";
import { writeShuffleOutput } from "./shuffle-writer";
import { removeTempDirs, tempDir } from "../../test/fixtures/storage/test-dirs";

const TOKEN = "s3cret-token";
const servers: ShuffleServer[] = [];
afterAll(async () => {
  await closeShuffleClients();
  for (const s of servers) await s.close();
  removeTempDirs();
});

async function worker(): Promise<{ dir: string; server: ShuffleServer; address: string }> {
  const dir = tempDir("worker");
  const server = new ShuffleServer({ dir, token: TOKEN });
  servers.push(server);
  return { dir, server, address: await server.start() };
}

const N = 3;
const recsOf = (m: number) => Array.from({ length: 2000 }, (_, i) => [`k${(i * 31 + m) % 97}`, m * 10_000 + i] as [unknown, unknown]);

function writeMaps(dir: string, shuffleId: number, mapIds: number[]) {
  return mapIds.map((m) => writeShuffleOutput({ dir, shuffleId, mapId: m, numPartitions: N, records: recsOf(m), partition: (k) => partitionForKey(k, N) }));
}

/** Open a raw socket and report how the server answered. */
function rawConnect(url: string, headers: Record<string, string>): Promise<{ status?: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => resolve({ ws }));
    ws.once("unexpected-response", (_q, res) => { resolve({ status: res.statusCode }); res.resume(); ws.terminate(); });
    ws.once("error", (e) => reject(e));
  });
}

describe("ShuffleServer + fetchShuffleBlocks", () => {
  it("fetches blocks across two real servers, local ones from disk, all equal to what was written", async () => {
    const a = await worker(), b = await worker();
    writeMaps(a.dir, 7, [0, 1]);
    writeMaps(b.dir, 7, [2, 3, 4]);
    for (let r = 0; r < N; r++) {
      const res = await fetchShuffleBlocks({
        token: TOKEN, localAddress: a.address, localDir: a.dir,
        requests: [{ address: a.address, shuffleId: 7, mapIds: [0, 1], reduceId: r }, { address: b.address, shuffleId: 7, mapIds: [4, 2, 3], reduceId: r }],
      });
      expect(res.blocks.map((x) => x.mapId)).toEqual([0, 1, 4, 2, 3]);
      expect(res.metrics.localBlocks).toBe(2);
      expect(res.metrics.remoteBlocks).toBe(3);
      const got = res.blocks.flatMap((x) => decodeShuffleBlock(x.data)).map((p) => canonical(p)).sort();
      const want = [0, 1, 2, 3, 4].flatMap((m) => recsOf(m)).filter(([k]) => partitionForKey(k, N) === r).map((p) => canonical(p)).sort();
      expect(got).toEqual(want);
      // Remote bytes are exactly the bytes on the holder's disk.
      for (const x of res.blocks.filter((x) => x.address === b.address)) expect(x.data.equals(readLocalShuffleBlock(b.dir, 7, x.mapId, r))).toBe(true);
      expect(res.metrics.remoteBytes).toBe(res.blocks.filter((x) => x.address === b.address).reduce((s, x) => s + x.data.length, 0));
    }
    // From the other side: a fetches b's blocks remotely and vice versa, on pooled connections.
    const res = await fetchShuffleBlocks({
      token: TOKEN, localAddress: b.address, localDir: b.dir,
      requests: [0, 1, 2].map((r) => ({ address: a.address, shuffleId: 7, mapIds: [0, 1], reduceId: r })),
    });
    expect(res.metrics.remoteBlocks).toBe(6);
    expect(res.metrics.localBlocks).toBe(0);
  });

  it("serves blocks bigger than one chunk", async () => {
    const a = await worker();
    const big = Array.from({ length: 5000 }, (_, i) => [i, `value-${i}-`.padEnd(1000, "x")] as [unknown, unknown]);
    const st = writeShuffleOutput({ dir: a.dir, shuffleId: 8, mapId: 0, numPartitions: 1, records: big, partition: () => 0 });
    expect(st.sizes[0]).toBeGreaterThan(4 << 20);
    const res = await fetchShuffleBlocks({ token: TOKEN, localAddress: "", localDir: "", requests: [{ address: a.address, shuffleId: 8, mapIds: [0], reduceId: 0 }] });
    expect(res.blocks[0]!.data.equals(readLocalShuffleBlock(a.dir, 8, 0, 0))).toBe(true);
    expect(decodeShuffleBlock(res.blocks[0]!.data)).toEqual(big);
  });

  it("refuses peers that fail the upgrade checks or cannot prove the secret, and fails the fetch as unauthorized", async () => {
    const a = await worker();
    writeMaps(a.dir, 9, [0]);
    expect((await rawConnect(a.address + SHUFFLE_PATH, {})).status).toBe(426);
    expect((await rawConnect(a.address + SHUFFLE_PATH, { [VERSION_HEADER]: String(PROTOCOL_VERSION) })).status).toBe(400);
    expect((await rawConnect(a.address + "/other", authHeaders(randomBytes(32)))).status).toBe(404);
    const err = await fetchShuffleBlocks({ token: "nope", localAddress: "", localDir: "", requests: [{ address: a.address, shuffleId: 9, mapIds: [0], reduceId: 1 }] })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FetchFailedError);
    expect(err).toMatchObject({ shuffleId: 9, mapId: 0, reduceId: 1, address: a.address, reason: "unauthorized" });
    // The wrong-token client gives up at the server's proof: the server counts it once it hangs up.
    for (let i = 0; i < 100 && a.server.stats.refused < 4; i++) await new Promise((r) => setTimeout(r, 10));
    expect(a.server.stats.refused).toBe(4);
  });

  it("closes connections that send text or malformed requests", async () => {
    const a = await worker();
    const closeCode = async (send: (ws: WebSocket) => void) => {
      const ws = await connectAuthenticated(a.address + SHUFFLE_PATH, TOKEN);
      return new Promise<number>((resolve) => { ws.once("close", (code) => resolve(code)); send(ws); });
    };
    expect(await closeCode((ws) => ws.send("hello"))).toBe(1003);
    expect(await closeCode((ws) => ws.send(Buffer.from([0xc1])))).toBe(1007);
    expect(await closeCode((ws) => ws.send(encode({ id: 1, shuffleId: "x" })))).toBe(1007);
  });

  it("fuzz: 100 rounds of random and mutated requests never take the shuffle server down", async () => {
    const a = await worker();
    writeMaps(a.dir, 15, [0]);
    let seed = 777;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const valid = encode({ id: 1, shuffleId: 15, mapIds: [0], reduceId: 0 });
    for (let round = 0; round < 100; round++) {
      const ws = await connectAuthenticated(a.address + SHUFFLE_PATH, TOKEN);
      ws.on("error", () => {});
      const closed = new Promise<void>((r) => ws.once("close", () => r()));
      const kind = rand(3);
      const frame = kind === 0 ? randomBytes(1 + rand(200)) : Buffer.from(valid);
      if (kind === 1) for (let m = 0; m < 1 + rand(3); m++) frame[rand(frame.length)] = rand(256);
      ws.send(kind === 2 ? frame.subarray(0, rand(frame.length)) : frame);
      setTimeout(() => ws.close(), 20);
      await closed;
    }
    const ok = await fetchShuffleBlocks({ token: TOKEN, localAddress: "", localDir: "", requests: [{ address: a.address, shuffleId: 15, mapIds: [0], reduceId: 0 }] });
    expect(ok.blocks[0]!.data.equals(readLocalShuffleBlock(a.dir, 15, 0, 0))).toBe(true);
  });

  it("missing map output -> FetchFailedError naming shuffle, map, reduce and address", async () => {
    const a = await worker();
    writeMaps(a.dir, 10, [0]);
    const err = await fetchShuffleBlocks({ token: TOKEN, localAddress: "", localDir: "", requests: [{ address: a.address, shuffleId: 10, mapIds: [0, 5], reduceId: 2 }] })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FetchFailedError);
    expect(err).toMatchObject({ shuffleId: 10, mapId: 5, reduceId: 2, address: a.address, reason: "missing", condition: "FETCH_FAILED" });
    // The connection survives a missing block: the next fetch on it works.
    const ok = await fetchShuffleBlocks({ token: TOKEN, localAddress: "", localDir: "", requests: [{ address: a.address, shuffleId: 10, mapIds: [0], reduceId: 2 }] });
    expect(ok.blocks).toHaveLength(1);
    // After removeShuffle the output is gone for local readers too.
    removeShuffle(a.dir, 10);
    const local = await fetchShuffleBlocks({ token: TOKEN, localAddress: a.address, localDir: a.dir, requests: [{ address: a.address, shuffleId: 10, mapIds: [0], reduceId: 0 }] })
      .then(() => undefined, (e: unknown) => e);
    expect(local).toMatchObject({ shuffleId: 10, mapId: 0, reduceId: 0, reason: "missing" });
  });

  it("closed server -> FetchFailedError (connection), also for a pooled connection", async () => {
    const a = await worker();
    writeMaps(a.dir, 11, [0]);
    const req = { token: TOKEN, localAddress: "", localDir: "", requests: [{ address: a.address, shuffleId: 11, mapIds: [0], reduceId: 0 }] };
    expect((await fetchShuffleBlocks(req)).blocks).toHaveLength(1);   // pooled now
    await a.server.close();
    const err = await fetchShuffleBlocks(req).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FetchFailedError);
    expect(err).toMatchObject({ shuffleId: 11, mapId: 0, reduceId: 0, address: a.address, reason: "connection" });
    const never = "ws://127.0.0.1:1";
    const err2 = await fetchShuffleBlocks({ ...req, requests: [{ address: never, shuffleId: 11, mapIds: [3], reduceId: 1 }] }).then(() => undefined, (e: unknown) => e);
    expect(err2).toMatchObject({ shuffleId: 11, mapId: 3, reduceId: 1, address: never, reason: "connection" });
    expect(FetchFailedError.from(err2)).toBe(err2);
  });

  it("a peer that never answers (upgrade or request) fails the fetch instead of hanging", async () => {
    // A TCP listener that accepts and stays silent: the upgrade never completes.
    const sockets: Socket[] = [];
    const silent: Server = createServer((sock) => { sockets.push(sock); });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const silentAddr = `ws://127.0.0.1:${(silent.address() as { port: number }).port}`;
    // A WebSocket server that accepts the upgrade and ignores every request.
    const mute = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((r) => mute.once("listening", r));
    const muteAddr = `ws://127.0.0.1:${(mute.address() as { port: number }).port}`;
    try {
      const e1 = await fetchShuffleBlocks({ token: TOKEN, localAddress: "", localDir: "", timeoutMs: 300, requests: [{ address: silentAddr, shuffleId: 13, mapIds: [1], reduceId: 0 }] })
        .then(() => undefined, (e: unknown) => e);
      expect(e1).toMatchObject({ shuffleId: 13, mapId: 1, reduceId: 0, address: silentAddr, reason: "connection" });
      const e2 = await fetchShuffleBlocks({ token: TOKEN, localAddress: "", localDir: "", timeoutMs: 300, requests: [{ address: muteAddr, shuffleId: 13, mapIds: [2], reduceId: 1 }] })
        .then(() => undefined, (e: unknown) => e);
      expect(e2).toMatchObject({ shuffleId: 13, mapId: 2, reduceId: 1, address: muteAddr, reason: "timeout" });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
      for (const c of mute.clients) c.terminate();
      await new Promise((r) => mute.close(r));
    }
  });

  it("retries a peer that cannot be reached yet (Spark's spark.shuffle.io.maxRetries) and fails once retries run out", async () => {
    const probe: Server = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const dir = tempDir("late");
    writeMaps(dir, 14, [0]);
    const address = `ws://127.0.0.1:${port}`;
    const req = { token: TOKEN, localAddress: "", localDir: "", retryWaitMs: 150, requests: [{ address, shuffleId: 14, mapIds: [0], reduceId: 1 }] };
    // Nobody listens yet; the server comes up while the fetcher waits between attempts.
    const late = new ShuffleServer({ dir, token: TOKEN, port });
    servers.push(late);
    const fetching = fetchShuffleBlocks(req);
    setTimeout(() => { void late.start(); }, 100);
    const res = await fetching;
    expect(res.blocks).toHaveLength(1);
    expect(res.blocks[0]!.data).toEqual(readLocalShuffleBlock(dir, 14, 0, 1, address));
    // With no retries left the same unreachable peer is a fetch failure.
    await late.close();
    await closeShuffleClients();
    const err = await fetchShuffleBlocks({ ...req, maxRetries: 0 }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ shuffleId: 14, mapId: 0, reduceId: 1, reason: "connection" });
  });
});
