// The kernel's socket thread: owns every ZeroMQ socket, signs and verifies messages, echoes
// heartbeats, and answers interrupt_request by raising SIGINT on the kernel process. It runs in a
// worker thread so that heartbeats and interrupts still work while user code blocks the main thread.

import { parentPort, workerData } from "node:worker_threads";
import { createRequire } from "node:module";
import { decodeMessage, encodeMessage, newHeader, WireFormatError } from "./wire";
import type { ConnectionInfo, JupyterMessage, MessageHeader } from "./wire";
import type { FromIoThread, ToIoThread, IoThreadData } from "./io-messages";

type Zmq = typeof import("zeromq");
const zmq = createRequire(import.meta.url)("zeromq") as Zmq;

const data = workerData as IoThreadData;
const conn: ConnectionInfo = data.connection;
const port = parentPort!;
const addr = (p: number) => `${conn.transport}://${conn.ip}:${p}`;

const iopub = new zmq.Publisher();
const shell = new zmq.Router();
const control = new zmq.Router();
const stdin = new zmq.Router();
const hb = new zmq.Reply();
const sockets = { shell, control, stdin, iopub } as const;

// Sends are serialized per socket: zeromq 6 rejects a send while another is pending (EBUSY).
const sendChains = new Map<unknown, Promise<void>>();
function sendFrames(sock: (typeof sockets)[keyof typeof sockets], frames: Buffer[]): void {
  const prev = sendChains.get(sock) ?? Promise.resolve();
  const next = prev.then(() => sock.send(frames)).catch((e: unknown) => log(`send failed: ${String(e)}`));
  sendChains.set(sock, next);
}

function log(text: string): void {
  port.postMessage({ op: "log", text } satisfies FromIoThread);
}

let closing = false;

function send(channel: keyof typeof sockets, msgType: string, content: unknown, parent: Partial<MessageHeader>, identities: Buffer[] = [], metadata: Record<string, unknown> = {}): void {
  if (closing) return;
  const msg: JupyterMessage<unknown> = {
    identities: channel === "iopub" ? [] : identities,
    header: newHeader(msgType, data.session),
    parent_header: parent,
    metadata,
    content,
    buffers: [],
  };
  sendFrames(sockets[channel], encodeMessage(msg, conn.key, conn.signature_scheme));
}

function status(state: "busy" | "idle" | "starting", parent: Partial<MessageHeader>): void {
  send("iopub", "status", { execution_state: state }, parent);
}

async function pump(channel: "shell" | "control" | "stdin", sock: InstanceType<Zmq["Router"]>): Promise<void> {
  for await (const frames of sock) {
    let msg: JupyterMessage;
    try {
      msg = decodeMessage(frames as Buffer[], conn.key, conn.signature_scheme);
    } catch (e) {
      if (e instanceof WireFormatError) { log(`dropped ${channel} message: ${e.message}`); continue; }
      throw e;
    }
    if (channel === "control" && handleControlHere(msg)) continue;
    port.postMessage({ op: "message", channel, msg } satisfies FromIoThread);
  }
}

// A SIGINT that lands while the main thread compiles a cell is seen by its listener only after
// the cell's synchronous code has started, too late to break a loop. So the signal is repeated
// until the main thread acknowledges (its SIGINT listener ran, or a cell ended).
let interruptsRaised = 0;
let interruptsAcked = 0;
function raiseInterrupt(): void {
  const seq = ++interruptsRaised;
  let tries = 0;
  const fire = () => {
    // Never once the kernel is closing: a SIGINT that lands while the process exits (its signal
    // handlers already reset) would kill it with the signal instead of exit code 0.
    if (closing || interruptsAcked >= seq || tries++ >= 40) return;
    process.kill(process.pid, "SIGINT");
    setTimeout(fire, 250);
  };
  fire();
}

/** Control requests this thread can answer without the (possibly blocked) main thread. */
function handleControlHere(msg: JupyterMessage): boolean {
  const type = msg.header.msg_type;
  if (type === "interrupt_request") {
    status("busy", msg.header);
    // SIGINT breaks a synchronous loop (vm breakOnSigint) and the main thread's SIGINT handler
    // cancels awaits and running jobs; one mechanism for both the signal and the message route.
    raiseInterrupt();
    send("control", "interrupt_reply", { status: "ok" }, msg.header, msg.identities);
    status("idle", msg.header);
    return true;
  }
  if (type === "shutdown_request") {
    // The main thread does the shutdown, but a cell stuck in a synchronous loop would keep it from
    // ever seeing the request: break the loop (the cell ends as interrupted) if the kernel has not
    // begun closing a moment later. Not at once: jupyter_client sends interrupt_request right
    // before shutdown_request, and a second SIGINT landing while the first one's loop unwinds
    // meets no handler (node's vm removes the SIGINT listeners while a breakOnSigint script runs
    // and restores them after its own watchdog is gone) and kills the kernel (exit -2).
    if (interruptsRaised === interruptsAcked) setTimeout(() => { if (!closing) raiseInterrupt(); }, 500);
    return false;
  }
  if (type === "kernel_info_request") {
    status("busy", msg.header);
    send("control", "kernel_info_reply", data.kernelInfo, msg.header, msg.identities);
    status("idle", msg.header);
    return true;
  }
  return false;
}

async function heartbeat(): Promise<void> {
  for await (const frames of hb) await hb.send(frames);
}

port.on("message", (m: ToIoThread) => {
  if (m.op === "send") {
    send(m.channel, m.msgType, m.content, m.parent, (m.identities ?? []).map((b) => Buffer.from(b)), m.metadata);
  } else if (m.op === "interrupt-ack") {
    interruptsAcked = interruptsRaised;
  } else if (m.op === "close") {
    closing = true;
    void Promise.all([...sendChains.values()]).finally(() => {
      for (const s of [iopub, shell, control, stdin, hb]) s.close();
      port.postMessage({ op: "closed" } satisfies FromIoThread);
    });
  }
});

async function main(): Promise<void> {
  await Promise.all([
    iopub.bind(addr(conn.iopub_port)),
    shell.bind(addr(conn.shell_port)),
    control.bind(addr(conn.control_port)),
    stdin.bind(addr(conn.stdin_port)),
    hb.bind(addr(conn.hb_port)),
  ]);
  const swallowClosed = (e: unknown) => {
    // Closing a socket ends its async iterator with an error; that is the normal shutdown path.
    if (!(e instanceof Error && /closed|ETERM|EAGAIN/i.test(e.message + String((e as { code?: string }).code)))) log(`socket loop ended: ${String(e)}`);
  };
  void pump("shell", shell).catch(swallowClosed);
  void pump("control", control).catch(swallowClosed);
  void pump("stdin", stdin).catch(swallowClosed);
  void heartbeat().catch(swallowClosed);
  status("starting", {});
  port.postMessage({ op: "ready" } satisfies FromIoThread);
}

main().catch((e: unknown) => port.postMessage({ op: "fatal", text: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies FromIoThread));
