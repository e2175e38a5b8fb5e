// A task slot running its share of a dataflow job on a worker: with Flink's slot sharing, slot i
// hosts subtask i of every task (chain). It connects to the job's hub on the driver, builds its
// subtasks (restoring their state from a checkpoint when the job is recovering), exchanges network
// buffers and credits with the other slots over direct worker-to-worker connections (rpc/peer-links.ts;
// locally when both ends are in this slot), injects
// barriers at its sources when the checkpoint coordinator asks, reports metrics, and returns when
// all its subtasks have finished or the attempt is cancelled.

import { join } from "node:path";
import WebSocket from "ws";
import { ExecutionError } from "../common/errors";
import { PeerLinks } from "../rpc/peer-links";
import { zeroMask } from "../rpc/transport";
import { readMetadata } from "./savepoints";
import { Subtask } from "./subtask";
import type { JobGraph, SlotTaskArgs, StreamElement } from "./types";

/** What slots send each other: network buffers of records, and credits back to their producers. */
type PeerFrame =
  | { t: "buf"; ch: string; items: StreamElement[] }
  | { t: "credit"; ch: string };

export interface SlotReport { slot: number; attempt: number; cancelled: boolean; subtasks: number }

export async function runSlot(graph: JobGraph, slot: number, args: SlotTaskArgs): Promise<SlotReport> {
  const ws = new WebSocket(args.hubUrl, { generateMask: zeroMask });
  await new Promise<void>((resolve, reject) => { ws.once("open", () => resolve()); ws.once("error", reject); });
  let cancelled = false;
  let failure: Error | undefined;
  const send = (m: Record<string, unknown>) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m)); };
  const subtasks = new Map<number, Subtask>();
  const byChannelTarget = (ch: string) => subtasks.get(Number(ch.slice(ch.indexOf(">") + 1).split(".")[0]));
  const byChannelSource = (ch: string) => subtasks.get(Number(ch.split(".")[0]));
  const links = new PeerLinks<PeerFrame>(slot, args.attempt, args.secret, (f) => {
    if (f.t === "buf") byChannelTarget(f.ch)?.gate.receive(f.ch, f.items);
    else byChannelSource(f.ch)?.outChannels.get(f.ch)?.addCredit();
  }, (f) => f.t === "buf");
  const dataUrl = await links.listen();
  const transport = {
    sendBuffer: (toSlot: number, ch: string, items: StreamElement[]) => {
      if (toSlot === slot) setImmediate(() => byChannelTarget(ch)?.gate.receive(ch, items)); // local channel
      else links.send(toSlot, { t: "buf", ch, items });
    },
    sendCredit: (toSlot: number, ch: string) => {
      if (toSlot === slot) setImmediate(() => byChannelSource(ch)?.outChannels.get(ch)?.addCredit());
      else links.send(toSlot, { t: "credit", ch });
    },
  };
  const snapshotDirs = new Map<number, string>();
  const host = {
    transport, toHub: send, config: args.config, graph,
    // a savepoint names its own directory in the trigger; checkpoints go to <checkpointDir>/chk-N
    checkpointPath: (id: number) => snapshotDirs.get(id) ?? join(args.config.checkpointDir, `chk-${id}`),
    isCancelled: () => cancelled || failure !== undefined,
  };
  for (const v of graph.vertices) if (slot < v.parallelism) subtasks.set(v.id, new Subtask(v, slot, host));
  if (args.restoreFrom !== null) {
    const shape = readMetadata(args.restoreFrom).tasks; // the restore point's tasks, read once per slot
    for (const s of subtasks.values()) s.restore(args.restoreFrom, shape[s.v.id]);
  }

  let wakeAll: () => void = () => {};
  const cancelledP = new Promise<void>((r) => { wakeAll = r; });
  const cancel = () => {
    cancelled = true;
    for (const s of subtasks.values()) { s.gate.wake(); s.resume(); }
    wakeAll();
  };
  ws.on("message", (data) => {
    const m = JSON.parse(String(data));
    switch (m.t) {
      case "peers": links.connect(m.urls); break;
      case "feed": subtasks.get(m.v)?.reader?.feed?.(m.from, m.items); break;
      case "trigger":
        if (m.dir) snapshotDirs.set(m.id, m.dir);
        for (const s of subtasks.values()) {
          if (!s.v.source) continue;
          if (s.done) send({ t: "decline", id: m.id, v: s.v.id, sub: slot });
          else s.pendingTrigger = { id: m.id, kind: m.kind };
        }
        break;
      case "snapshot": for (const s of subtasks.values()) void s.snapshot(m.id, { alignMs: 0, alignBuffered: 0 }); break;
      case "resume": for (const s of subtasks.values()) s.resume(); break;
      case "cancel": cancel(); break;
    }
  });
  ws.on("close", () => cancel());
  send({ t: "hello", slot, attempt: args.attempt, secret: args.secret, dataUrl, subtasks: [...subtasks.keys()] });

  const timers = new Set<NodeJS.Timeout>();
  const every = (ms: number, f: () => void) => { const t = setInterval(() => { try { f(); } catch (e) { failure = e as Error; cancel(); } }, ms); timers.add(t); };
  // processing time: periodic watermarks, processing-time timers
  every(Math.max(5, args.config.watermarkInterval), () => {
    const now = Date.now();
    for (const s of subtasks.values()) s.ops.forEach((o, i) => o.onProcessingTime?.(now, (s as unknown as { emitters: never[] }).emitters[i]));
  });
  const net = () => ({ buffersIn: links.buffersIn, bytesIn: links.bytesIn, refused: links.refused });
  every(250, () => send({ t: "metrics", slot, net: net(), subtasks: [...subtasks.values()].map((s) => s.metrics()) }));

  try {
    const runs = [...subtasks.values()].map((s) => (s.v.source ? s.runSource() : s.runInput()).catch((e: Error) => { failure = e; cancel(); }));
    await Promise.race([Promise.all(runs), cancelledP]);
    if (failure) send({ t: "error", slot, message: failure.message, stack: failure.stack });
    else if (!cancelled) send({ t: "metrics", slot, net: net(), subtasks: [...subtasks.values()].map((s) => s.metrics()) });
    if (!cancelled && !failure) {
      await links.flushed(() => cancelled || failure !== undefined);
      send({ t: "slotDone", slot });
    }
  } finally {
    for (const t of timers) clearInterval(t);
    for (const s of subtasks.values()) s.close();
    await links.close();
    await new Promise<void>((r) => { if (ws.readyState === WebSocket.CLOSED) r(); else { ws.once("close", () => r()); ws.close(); } });
  }
  if (failure && !(failure instanceof ExecutionError)) throw failure;
  return { slot, attempt: args.attempt, cancelled, subtasks: subtasks.size };
}
