// Micro-benchmark (prints only, asserts nothing): write 10M small pairs as shuffle output, fetch
// every block through a real ShuffleServer, and compare with pushing the same bytes over a raw
// loopback WebSocket. Run: npx tsx test/bench/shuffle-bench.ts [pairs] [maps] [reduces]

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket, { WebSocketServer } from "ws";
import { partitionForKey } from "../../engine/common/keys";
import {
  closeShuffleClients, fetchShuffleBlocks, forEachShuffleRecord, ShuffleServer, writeShuffleOutput,
} from "../../engine/storage/index";

const PAIRS = Number(process.argv[2] ?? 10_000_000);
const MAPS = Number(process.argv[3] ?? 4);
const REDUCES = Number(process.argv[4] ?? 4);
const TOKEN = "bench";

function* pairs(from: number, to: number): Generator<[number, number]> {
  for (let i = from; i < to; i++) yield [i % 100_003, i];
}

async function rawSend(chunks: Buffer[]): Promise<number> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, maxPayload: 1 << 30 });
  await new Promise((r) => wss.once("listening", r));
  const port = (wss.address() as { port: number }).port;
  const total = chunks.reduce((s, c) => s + c.length, 0);
  wss.on("connection", (ws) => {
    ws.once("message", () => { for (const c of chunks) ws.send(c); });
  });
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false, maxPayload: 1 << 30 });
  await new Promise((r) => ws.once("open", r));
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let got = 0;
    ws.on("message", (d: Buffer) => { got += d.length; if (got >= total) resolve(); });
    ws.send("go");
  });
  const ms = performance.now() - t0;
  ws.close();
  wss.close();
  return ms;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bdw-bench-"));
  const server = new ShuffleServer({ dir, token: TOKEN });
  const address = await server.start();
  try {
    // CPU time next to wall time: on a busy machine wall time mostly measures the neighbours.
    const cpu0 = process.cpuUsage();
    let t0 = performance.now();
    let bytes = 0;
    const per = Math.ceil(PAIRS / MAPS);
    for (let m = 0; m < MAPS; m++) {
      const st = writeShuffleOutput({
        dir, shuffleId: 0, mapId: m, numPartitions: REDUCES,
        records: pairs(m * per, Math.min(PAIRS, (m + 1) * per)), partition: (k) => partitionForKey(k, REDUCES),
      });
      bytes += st.sizes.reduce((a, b) => a + b, 0);
    }
    const writeMs = performance.now() - t0;
    const c = process.cpuUsage(cpu0);
    const writeCpuMs = (c.user + c.system) / 1000;

    // Best of 3 for both transfers (the first fetch also opens the pooled connection).
    let fetched: Buffer[] = [];
    let fetchMs = Infinity;
    for (let rep = 0; rep < 3; rep++) {
      fetched = [];
      t0 = performance.now();
      for (let r = 0; r < REDUCES; r++) {
        const res = await fetchShuffleBlocks({
          token: TOKEN, localAddress: "", localDir: dir,
          requests: [{ address, shuffleId: 0, mapIds: Array.from({ length: MAPS }, (_, i) => i), reduceId: r }],
        });
        for (const b of res.blocks) fetched.push(b.data);
      }
      fetchMs = Math.min(fetchMs, performance.now() - t0);
    }
    const fetchedBytes = fetched.reduce((s, b) => s + b.length, 0);

    t0 = performance.now();
    let n = 0;
    for (const b of fetched) forEachShuffleRecord(b, () => { n++; });
    const decodeMs = performance.now() - t0;

    // The same bytes over a bare WebSocket, in the same 4 MiB frames the server uses.
    const chunks: Buffer[] = [];
    for (const b of fetched) for (let o = 0; o < b.length; o += 4 << 20) chunks.push(b.subarray(o, Math.min(b.length, o + (4 << 20))));
    let rawMs = Infinity;
    for (let rep = 0; rep < 3; rep++) rawMs = Math.min(rawMs, await rawSend(chunks));

    const mb = bytes / 1e6;
    const rate = (ms: number) => `${((fetchedBytes / 1e6) / (ms / 1000)).toFixed(0)} MB/s`;
    console.log(`pairs ${PAIRS}, maps ${MAPS}, reduces ${REDUCES}, shuffle bytes ${mb.toFixed(1)} MB (${(bytes / PAIRS).toFixed(1)} B/pair), decoded ${n}`);
    console.log(`write (partition+encode+disk): ${writeMs.toFixed(0)} ms wall, ${writeCpuMs.toFixed(0)} ms CPU  (${(PAIRS / writeCpuMs / 1000).toFixed(2)} M pairs per CPU-s)`);
    console.log(`fetch through ShuffleServer:   ${fetchMs.toFixed(0)} ms  (${rate(fetchMs)})`);
    console.log(`raw loopback ws, same bytes:   ${rawMs.toFixed(0)} ms  (${rate(rawMs)})`);
    console.log(`decode:                        ${decodeMs.toFixed(0)} ms  (${(PAIRS / decodeMs / 1000).toFixed(2)} M pairs/s)`);
    console.log(`fetch throughput / raw:        ${((rawMs / fetchMs) * 100).toFixed(0)}%`);
    console.log(`write+fetch+decode vs raw:     ${((rawMs / (writeMs + fetchMs + decodeMs)) * 100).toFixed(0)}%`);
  } finally {
    await closeShuffleClients();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
