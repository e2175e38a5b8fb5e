// Source of notebooks/L01-introduction.ipynb (lecture 1): the four Vs; the storage hierarchy and
// the cost of moving data, measured live on this machine (memory, local disk sequential vs
// random, loopback network: bandwidth and latency) and plotted on log scales; scale-up vs
// scale-out; the big ideas and challenges (a worker killed mid-job). Run
// `npx tsx notebooks/src/L01.ts` to regenerate; `--check` verifies it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, embeddedOnly, emit, md } from "./notebook-builder";

export const L01 = buildNotebook("l01", [
  md`
    # Lecture 1 — Introduction: why big data needs a different kind of system

    Big data is usually described by **four Vs**:

    * **Volume** — more data than one machine stores or scans in reasonable time;
    * **Variety** — tables, text, logs, graphs, images, in many formats;
    * **Velocity** — data that keeps arriving (streams) and must be processed as it comes;
    * **Veracity** — uncertainty: missing, wrong or contradictory values.

    This notebook measures, on the machine it runs on, why moving data is what costs: each level of
    the **storage hierarchy** (memory, local disk, the network) is bigger but slower than the one
    before. Then it shows the big ideas that follow — scale out, move the computation to the data,
    read sequentially — and the first challenge, machines that fail.

    Cells marked **Your turn** have a \`TODO\` and a check.
  `,
  code`
    import { viz } from "bigdata-workbench";
    import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
    import { createServer, connect } from "node:net";
    import { tmpdir } from "node:os";
    import { join } from "node:path";
    function check(what: string, answer: unknown, ok: (a: any) => boolean, hint = ""): void {
      if (answer === undefined) console.log(\`… \${what}: not answered yet (replace the TODO)\`);
      else if (ok(answer)) console.log(\`✔ \${what}: correct\`);
      else console.log(\`✘ \${what}: \${JSON.stringify(answer)} is not right yet\${hint ? " (" + hint + ")" : ""}\`);
    }
    const MB = 1024 * 1024;
    const time = (f: () => void): number => { const t = performance.now(); f(); return (performance.now() - t) / 1000; };
    const measured: Array<{ level: string; bandwidthMBs: number; latencyUs: number }> = [];
  `,
  md`
    ## Bandwidth and latency

    * **Bandwidth**: the most data a link can carry per second (its capacity); **throughput** is
      what you actually get.
    * **Latency**: the time for one small message to get there (or there and back).

    Moving a lot of data is limited by bandwidth (latency hardly matters); moving many small
    pieces is limited by latency (bandwidth hardly matters). We measure both at each level.

    ### Memory

    Bandwidth: copy a 32 MB array. Latency: follow a chain of pointers through the same array in a
    random order, so every step is a cache miss the CPU cannot predict.
  `,
  code`
    const N = 4 * MB; // 4 M doubles = 32 MB
    const src = new Float64Array(N).map((_, i) => i), dst = new Float64Array(N);
    const copySecs = Math.min(...Array.from({ length: 3 }, () => time(() => dst.set(src))));
    const memBandwidth = (2 * N * 8) / MB / copySecs;            // read + write
    const next = new Int32Array(N);                                // one random cycle over all slots
    const order = Array.from({ length: N }, (_, i) => i);
    for (let i = N - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
    for (let i = 0; i < N; i++) next[order[i]!] = order[(i + 1) % N]!;
    const hops = 2_000_000;
    let p = 0;
    const chaseSecs = time(() => { for (let i = 0; i < hops; i++) p = next[p]!; });
    const memLatencyUs = (chaseSecs / hops) * 1e6;
    measured.push({ level: "memory", bandwidthMBs: memBandwidth, latencyUs: memLatencyUs });
    console.log(\`memory: \${memBandwidth.toFixed(0)} MB/s, \${(memLatencyUs * 1000).toFixed(0)} ns per random access\`);
  `,
  md`
    ### Local disk: sequential vs random

    Write 32 MB sequentially in 1 MB blocks and make it durable once (\`fsync\`), then write 4 KB
    blocks at random offsets, each made durable before the next — every random write waits for the
    device. (Reads would mostly come from the operating system's page cache, which is memory.)
  `,
  code`
    const dir = mkdtempSync(join(tmpdir(), "l01-"));
    const file = join(dir, "data.bin");
    const block = Buffer.alloc(MB, 7), small = Buffer.alloc(4096, 9);
    const fd = openSync(file, "w");
    const seqSecs = time(() => { for (let i = 0; i < 32; i++) writeSync(fd, block, 0, MB, i * MB); fsyncSync(fd); });
    const randomWrites = 200;
    const randSecs = time(() => {
      for (let i = 0; i < randomWrites; i++) { writeSync(fd, small, 0, 4096, Math.floor(Math.random() * 8191) * 4096); fsyncSync(fd); }
    });
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
    const diskSeq = 32 / seqSecs, diskRandom = (randomWrites * 4096) / MB / randSecs;
    const diskLatencyUs = (randSecs / randomWrites) * 1e6;
    measured.push({ level: "local disk", bandwidthMBs: diskSeq, latencyUs: diskLatencyUs });
    console.log(\`disk sequential: \${diskSeq.toFixed(0)} MB/s   random 4 KB durable writes: \${diskRandom.toFixed(2)} MB/s (\${diskLatencyUs.toFixed(0)} µs each)\`);
    console.log(\`sequential is \${(diskSeq / diskRandom).toFixed(0)}x faster than random\`);
  `,
  md`
    ### The network (loopback)

    Two endpoints on this machine over TCP: a ping-pong of one-byte messages gives the round trip,
    a 64 MB transfer gives the bandwidth. Between machines in a rack or across a cluster the
    bandwidth is lower and the latency higher still.
  `,
  code`
    const server = createServer((s) => { s.on("data", (d) => { if (d.length === 1 && d[0] === 1) s.write(d); }); });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const sock = connect(port, "127.0.0.1");
    sock.setNoDelay(true);
    await new Promise<void>((r) => sock.once("connect", () => r()));
    const pings = 2000;
    let t0 = performance.now();
    for (let i = 0; i < pings; i++) await new Promise<void>((r) => { sock.once("data", () => r()); sock.write(Buffer.from([1])); });
    const rttUs = ((performance.now() - t0) / pings) * 1000;
    sock.destroy();
    const bulk = Buffer.alloc(64 * MB, 2);
    let received = 0;
    const done = new Promise<void>((r) => server.once("connection", (s) => s.on("data", (d) => { received += d.length; if (received >= bulk.length) r(); })));
    const sender = connect(port, "127.0.0.1");
    t0 = performance.now();
    sender.write(bulk);
    await done;
    const netBandwidth = 64 / ((performance.now() - t0) / 1000);
    sender.destroy();
    server.close();
    measured.push({ level: "network (loopback)", bandwidthMBs: netBandwidth, latencyUs: rttUs / 2 });
    console.log(\`loopback TCP: \${netBandwidth.toFixed(0)} MB/s, round trip \${rttUs.toFixed(0)} µs\`);
  `,
  md`
    ## The storage hierarchy, measured

    Bandwidth falls and latency grows as data moves away from the processor. Both axes are
    logarithmic: each grid line is a factor of ten. The grey marks are typical published figures
    for a server, a rack and a cluster ("latency numbers every programmer should know").
  `,
  code`
    const typical = [
      { level: "memory", bandwidthMBs: 20000, latencyUs: 0.1 },
      { level: "local disk", bandwidthMBs: 200, latencyUs: 10000 },
      { level: "network (rack)", bandwidthMBs: 100, latencyUs: 300 },
      { level: "network (cluster)", bandwidthMBs: 10, latencyUs: 500 },
    ];
    const rows = [...measured.map((m) => ({ ...m, source: "measured here" })), ...typical.map((t) => ({ ...t, source: "typical" }))];
    const chart = (field: "bandwidthMBs" | "latencyUs", title: string) => ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json", width: 300, height: 160, title,
      data: { values: rows },
      mark: { type: "point", filled: true, size: 90 },
      encoding: {
        y: { field: "level", type: "nominal", sort: null, title: null },
        x: { field, type: "quantitative", scale: { type: "log" }, title: field === "bandwidthMBs" ? "MB/s (log)" : "µs (log)" },
        color: { field: "source", type: "nominal", scale: { range: ["#1f77b4", "#aaaaaa"] } },
      },
    });
    await display.bundle({ "image/svg+xml": await viz.vegaLiteToSvg(chart("bandwidthMBs", "bandwidth") as any), "text/plain": "bandwidth per level (log scale)" });
    await display.bundle({ "image/svg+xml": await viz.vegaLiteToSvg(chart("latencyUs", "latency") as any), "text/plain": "latency per level (log scale)" });
    console.table(measured.map((m) => ({ level: m.level, "MB/s": Math.round(m.bandwidthMBs), "latency µs": +m.latencyUs.toFixed(3) })));
  `,
  md`
    ### Your turn 1

    Using the loopback figures you measured (\`netBandwidth\` in MB/s, \`rttUs\` in µs), estimate:
    (a) \`bulkSecs\`: seconds to send 1 GB (1024 MB) as one transfer; (b) \`chattySecs\`: seconds
    to send 10,000 small messages one at a time, each waiting for its reply. Which one does
    latency dominate?
  `,
  code`
    // TODO: compute from netBandwidth and rttUs
    const bulkSecs: number | undefined = undefined;
    const chattySecs: number | undefined = undefined;
    check("1 GB in one transfer", bulkSecs, (a) => Math.abs(a - 1024 / netBandwidth) < 1e-6 * (1024 / netBandwidth) + 1e-9, "MB / (MB/s)");
    check("10,000 round trips", chattySecs, (a) => Math.abs(a - (10000 * rttUs) / 1e6) < 1e-6 * ((10000 * rttUs) / 1e6) + 1e-9, "µs → s");
  `,
  md`
    ## Scale up or scale out?

    **Scaling up** (a bigger machine) gets expensive fast and stops at the biggest machine money
    can buy. **Scaling out** (more ordinary machines) is cheaper and keeps going — if the work can
    be split. The \`spark\` handle in this notebook runs on a small real cluster: a driver and
    worker processes. Split the same CPU-heavy work into one partition, then into two: with two
    workers, two partitions run at the same time.
  `,
  embeddedOnly(code`
    const work = (n: number) => { let s = 0; for (let i = 0; i < 3_000_000; i++) s += Math.sqrt(i + n); return s; };
    const items = Array.from({ length: 8 }, (_, i) => i);
    const timed = async (parts: number) => { const t = performance.now(); await sc.parallelize(items, parts).map(work).sum(); return (performance.now() - t) / 1000; };
    await timed(2); // warm up the workers
    const one = await timed(1), two = await timed(2);
    console.log(\`workers: \${spark.cluster.workers().length}; 1 partition \${one.toFixed(2)} s, 2 partitions \${two.toFixed(2)} s, speed-up \${(one / two).toFixed(2)}x\`);
  `),
  md`
    ## The big ideas

    * **Scale out**, not up: many cheap machines, each with its own disks.
    * **Move the computation to the data**: the network is the slow level, so run the code where
      the data already is (Spark's scheduler prefers the worker that caches a partition).
    * **Read sequentially**: avoid seeks — the disk measurement above is why MapReduce and Spark
      stream whole files and shuffle in large sequential spills.
    * **Seamless scalability**: the same program on more machines should take less time.

    ## The challenges

    * **Machines fail** — with thousands of machines, some are always down.
    * **Synchronisation** — workers must agree on what is done and who does what next.
    * **Programming difficulty** — distributed code is hard to write; frameworks hide it.

    Failure, for real: a job keeps running while one of its workers is killed. The lost tasks are
    rerun elsewhere and the answer does not change.
  `,
  embeddedOnly(code`
    const nums = Array.from({ length: 400 }, (_, i) => i);
    const expected = nums.reduce((a, x) => a + x * x, 0);
    const job = sc.parallelize(nums, 8).map((x) => { const t = Date.now(); while (Date.now() - t < 10) { /* slow task */ } return x * x; }).sum();
    await new Promise((r) => setTimeout(r, 150));
    const victim = spark.cluster.workers()[0]!;
    await spark.cluster.kill(victim.id);
    const answer = await job;
    console.log(\`killed \${victim.id} while the job ran; answer \${answer}, correct: \${answer === expected}\`);
    console.log("workers now:", spark.cluster.workers().map((w) => \`\${w.id} \${w.state}\`).join(", "));
    spark.lastJob()!.replay()   // the job's story from its event log: what was lost, what was rerun
  `),
  md`
    ### Your turn 2

    Say, from your disk measurement, how many times faster sequential writing was than random
    durable 4 KB writes on this machine: set \`seqOverRandom\` to \`diskSeq / diskRandom\`
    rounded to a whole number.
  `,
  code`
    // TODO
    const seqOverRandom: number | undefined = undefined;
    check("sequential / random", seqOverRandom, (a) => a === Math.round(diskSeq / diskRandom));
  `,
]);

/** Model answers (text edits of the committed cells), applied by the e2e test. */
export const L01_SOLUTIONS: Array<{ find: string; replace: string }> = [
  { find: "const bulkSecs: number | undefined = undefined;", replace: "const bulkSecs: number | undefined = 1024 / netBandwidth;" },
  { find: "const chattySecs: number | undefined = undefined;", replace: "const chattySecs: number | undefined = (10000 * rttUs) / 1e6;" },
  { find: "const seqOverRandom: number | undefined = undefined;", replace: "const seqOverRandom: number | undefined = Math.round(diskSeq / diskRandom);" },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L01-introduction.ipynb", import.meta.url)), L01);
}
