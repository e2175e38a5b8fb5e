// The driver endpoint survives whatever an authenticated peer sends: hostile and random frames
// close that peer's connection with a logged reason, duplicate worker ids are refused, and
// close() finishes whatever state its peers are in.
import { connect as netConnect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import type WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { encode } from "../common/codec";
import { connectAuthenticated } from "../rpc/auth";
import { closeReason } from "../rpc/transport";
import { CLOSE_BAD_MESSAGE, CLOSE_DUPLICATE_WORKER, type TaskEndMessage } from "../rpc/protocol";
import { DriverEndpoint, type RegisteredWorker } from "./driver-endpoint";

const TOKEN = "driver-endpoint-test-secret";
const endpoints: DriverEndpoint[] = [];
afterEach(async () => { for (const e of endpoints.splice(0)) await e.close(); });

async function endpoint(opts: { maxFrameBytes?: number } = {}) {
  const seen = { registered: [] as RegisteredWorker[], ended: [] as TaskEndMessage[], lost: [] as string[], logs: [] as string[] };
  const ep = new DriverEndpoint({
    token: TOKEN, heartbeatTimeoutMs: 60_000, ...opts,
    events: {
      workerRegistered: (w) => seen.registered.push(w),
      taskEnded: (_id, m) => seen.ended.push(m),
      workerLost: (id, reason) => seen.lost.push(`${id}: ${reason}`),
      log: (id, level, text) => seen.logs.push(`${level} ${id} ${text}`),
    },
  });
  endpoints.push(ep);
  await ep.start();
  return { ep, seen };
}

const register = (workerId: string) => encode({ t: "register", workerId, pid: 1, host: "127.0.0.1", slots: 2, shuffleAddress: "ws://127.0.0.1:1", localDir: "/tmp/x" });
const taskEnd = (taskId: number) => encode({ t: "taskEnd", taskId, status: "success", result: new Uint8Array([1, 2, 3]), metrics: { runTimeMs: 1 }, accumulators: [], blocksAdded: [], blocksRemoved: [] });

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => { if (ws.readyState === ws.CLOSED) resolve(-1); else ws.once("close", (c) => resolve(c)); });
}

async function peer(url: string): Promise<WebSocket> {
  const ws = await connectAuthenticated(url, TOKEN);
  ws.on("error", () => {});
  return ws;
}

describe("DriverEndpoint against hostile peers", () => {
  it("closes a peer that sends a text frame, random bytes, nil, an array or a wrong shape, and keeps serving", async () => {
    const { ep, seen } = await endpoint();
    const frames: Array<[string, (ws: WebSocket) => void]> = [
      ["text", (ws) => ws.send("hello")],
      ["random bytes", (ws) => ws.send(randomBytes(64))],
      ["nil", (ws) => ws.send(Buffer.from([0xc0]))],
      ["array header", (ws) => ws.send(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]))],
      ["unknown type", (ws) => ws.send(encode({ t: "pwn", code: "process.exit(1)" }))],
      ["register without slots", (ws) => ws.send(encode({ t: "register", workerId: "w" }))],
      ["taskEnd before register", (ws) => ws.send(taskEnd(1))],
    ];
    for (const [what, send] of frames) {
      const ws = await peer(ep.url);
      const closed = closeCode(ws);
      send(ws);
      expect(await closed, what).toBe(CLOSE_BAD_MESSAGE);
    }
    expect(seen.logs.filter((l) => l.startsWith("error")).length).toBe(frames.length);
    expect(seen.logs.join("\n")).toMatch(/text frame/);
    expect(seen.logs.join("\n")).toMatch(/unknown message type "pwn"/);
    // Still serving: a well-behaved worker registers and reports.
    const good = await peer(ep.url);
    good.send(register("w-good"));
    good.send(taskEnd(7));
    for (let i = 0; i < 200 && seen.ended.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen.registered.map((w) => w.workerId)).toEqual(["w-good"]);
    expect(seen.ended.map((m) => m.taskId)).toEqual([7]);
    good.close();
  });

  it("a reason quoting the peer's bytes is cut to the 123 bytes of UTF-8 a close frame holds (random frames once dropped the connection: 1006)", async () => {
    const { ep, seen } = await endpoint();
    // A string of 3-byte characters and a byte after it: the decoder's message quotes the string.
    const frame = Buffer.concat([encode("€".repeat(80)), Buffer.from([0x01])]);
    const ws = await peer(ep.url);
    const closed = new Promise<[number, string]>((resolve) => ws.once("close", (c, r) => resolve([c, r.toString()])));
    ws.send(frame);
    const [code, reason] = await closed;
    expect(code).toBe(CLOSE_BAD_MESSAGE);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason).toMatch(/^undecodable frame .*€/);
    expect(seen.logs.join("\n")).toContain("€".repeat(80)); // the log keeps the whole reason
    expect(closeReason("ab€".repeat(50))).toBe("ab€".repeat(24) + "ab");
    expect(closeReason("short")).toBe("short");
  });

  it("a registered worker that sends garbage is dropped as lost with the reason", async () => {
    const { ep, seen } = await endpoint();
    const ws = await peer(ep.url);
    ws.send(register("w1"));
    for (let i = 0; i < 200 && seen.registered.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const closed = closeCode(ws);
    ws.send(encode({ t: "taskEnd", taskId: "x" }));
    expect(await closed).toBe(CLOSE_BAD_MESSAGE);
    expect(seen.lost).toEqual([expect.stringMatching(/^w1: protocol violation: malformed message: taskEnd.taskId/)]);
    expect(ep.workerIds).toEqual([]);
  });

  it("caps frames at spark.rpc.message.maxSize: a larger frame closes the peer (1009)", async () => {
    const { ep, seen } = await endpoint({ maxFrameBytes: 1 << 20 });
    const ws = await peer(ep.url);
    ws.send(register("w-big"));
    const closed = closeCode(ws);
    ws.send(randomBytes(2 << 20));
    expect(await closed).toBe(1009);
    for (let i = 0; i < 200 && seen.lost.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen.lost.join()).toMatch(/exceeded spark\.rpc\.message\.maxSize \(1048576 bytes\)/);
  });

  it("refuses a second worker with an id that is already registered", async () => {
    const { ep, seen } = await endpoint();
    const a = await peer(ep.url);
    a.send(register("dup"));
    for (let i = 0; i < 200 && seen.registered.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const b = await peer(ep.url);
    const closed = closeCode(b);
    b.send(register("dup"));
    expect(await closed).toBe(CLOSE_DUPLICATE_WORKER);
    expect(seen.registered).toHaveLength(1);
    expect(seen.lost).toEqual([]);
    expect(ep.workerIds).toEqual(["dup"]);
    expect(ep.send("dup", { t: "removeRdd", rddId: 1 })).toBe(true);
    a.close();
  });

  it("fuzz: random and mutated frames for 150 rounds never take the endpoint down", async () => {
    const { ep, seen } = await endpoint({ maxFrameBytes: 256 * 1024 });
    let seed = 12345;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const valid = [register("fz"), taskEnd(1), encode({ t: "heartbeat", workerId: "fz", time: 1 }), encode({ t: "log", level: "warn", text: "hi" })];
    let sockets = 0;
    for (let round = 0; round < 150; round++) {
      const ws = await peer(ep.url);
      sockets++;
      const closed = closeCode(ws);
      for (let k = 0; k < 3 && ws.readyState === ws.OPEN; k++) {
        const base = Buffer.from(valid[rand(valid.length)]!);
        const kind = rand(4);
        let frame: Buffer;
        if (kind === 0) frame = randomBytes(1 + rand(300));
        else if (kind === 1) { frame = base; for (let m = 0; m < 1 + rand(4); m++) frame[rand(frame.length)] = rand(256); }
        else if (kind === 2) frame = base.subarray(0, rand(base.length));
        else frame = Buffer.concat([base, randomBytes(rand(16))]);
        ws.send(frame);
      }
      ws.close();
      await closed;
    }
    expect(sockets).toBe(150);
    // Up and serving after the storm.
    const ok = await peer(ep.url);
    ok.send(register("after-fuzz"));
    for (let i = 0; i < 200 && !seen.registered.some((w) => w.workerId === "after-fuzz"); i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen.registered.some((w) => w.workerId === "after-fuzz")).toBe(true);
    ok.close();
  });

  it("close() finishes while peers are registered, mid-handshake, or holding a half-open HTTP request", async () => {
    const { ep } = await endpoint();
    const reg = await peer(ep.url);
    reg.send(register("w-reg"));
    const port = Number(new URL(ep.url).port);
    // Upgraded but never answers the challenge.
    const { default: WS } = await import("ws");
    const mid = new WS(ep.url, { headers: { "x-bigdata-protocol": "2", "x-bigdata-nonce": "ab".repeat(32) } });
    mid.on("error", () => {});
    await new Promise((r) => mid.once("open", r));
    // A TCP connection that sent half an HTTP request.
    const half: Socket = netConnect(port, "127.0.0.1");
    half.on("error", () => {});
    await new Promise((r) => half.once("connect", r));
    half.write("GET / HTTP/1.1\r\nHost: x\r\n");
    await ep.close();
    endpoints.splice(endpoints.indexOf(ep), 1);
    expect(await closeCode(reg)).not.toBe(CLOSE_BAD_MESSAGE);
    half.destroy();
  });
});
