// The runner's Jupyter client: ZeroMQ sockets to one kernel (shell, control, iopub, stdin),
// request/reply matching by parent msg_id, and iopub fan-out to listeners. It knows the wire
// protocol only; what a notebook does with the messages lives in execute-notebook.ts.

import { Dealer, Subscriber } from "zeromq";
import { randomUUID } from "node:crypto";
import { endpoint, type ConnectionInfo } from "./connection-file";
import { decodeMessage, encodeMessage, newHeader, type JupyterMessage } from "../../protocol/wire";

export type Channel = "shell" | "control";
export type IopubListener = (msg: JupyterMessage) => void;

export class KernelClientClosed extends Error {
  override name = "KernelClientClosed";
}

interface Pending {
  resolve(msg: JupyterMessage): void;
  reject(err: Error): void;
}

export class KernelClient {
  readonly session = randomUUID();
  private readonly shell = new Dealer({ linger: 0 });
  private readonly control = new Dealer({ linger: 0 });
  private readonly stdin = new Dealer({ linger: 0 });
  private readonly iopub = new Subscriber({ linger: 0 });
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<IopubListener>();
  private closed = false;
  /** Messages that failed to parse or verify; kept for diagnostics instead of crashing. */
  readonly badMessages: string[] = [];

  constructor(readonly conn: ConnectionInfo) {
    this.shell.connect(endpoint(conn, conn.shell_port));
    this.control.connect(endpoint(conn, conn.control_port));
    this.stdin.connect(endpoint(conn, conn.stdin_port));
    this.iopub.connect(endpoint(conn, conn.iopub_port));
    this.iopub.subscribe();
    void this.pump(this.shell, (m) => this.settle(m));
    void this.pump(this.control, (m) => this.settle(m));
    void this.pump(this.iopub, (m) => {
      for (const l of [...this.listeners]) l(m);
    });
    // allow_stdin is false on every request, so nothing should arrive here; answer anyway so a
    // kernel that asks regardless does not hang forever.
    void this.pump(this.stdin, (m) => {
      if (m.header.msg_type === "input_request") void this.send(this.stdin, "input_reply", { value: "" }, m.header);
    });
  }

  onIopub(listener: IopubListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a request and returns its msg_id plus a promise of the matching reply. */
  request(channel: Channel, msgType: string, content: Record<string, unknown>): { msgId: string; reply: Promise<JupyterMessage> } {
    if (this.closed) throw new KernelClientClosed("client is closed");
    const header = newHeader(msgType, this.session, "workbench");
    const reply = new Promise<JupyterMessage>((resolve, reject) => this.pending.set(header.msg_id, { resolve, reject }));
    // Keep an unobserved rejection (e.g. at close) from crashing the process.
    reply.catch(() => undefined);
    const sock = channel === "shell" ? this.shell : this.control;
    const msg: JupyterMessage = { identities: [], header, parent_header: {}, metadata: {}, content, buffers: [] };
    void sock.send(encodeMessage(msg, this.conn.key, this.conn.signature_scheme)).catch((e: unknown) => this.fail(header.msg_id, e));
    return { msgId: header.msg_id, reply };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.close();
    for (const [, p] of this.pending) p.reject(new KernelClientClosed("client closed before the reply arrived"));
    this.pending.clear();
    this.listeners.clear();
  }

  private async send(sock: Dealer, msgType: string, content: Record<string, unknown>, parent: JupyterMessage["header"]): Promise<void> {
    const msg: JupyterMessage = { identities: [], header: newHeader(msgType, this.session, "workbench"), parent_header: parent, metadata: {}, content, buffers: [] };
    await sock.send(encodeMessage(msg, this.conn.key, this.conn.signature_scheme));
  }

  private settle(msg: JupyterMessage): void {
    const id = msg.parent_header.msg_id;
    const p = id ? this.pending.get(id) : undefined;
    if (!p || !id) return;
    this.pending.delete(id);
    p.resolve(msg);
  }

  private fail(id: string, e: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.reject(e instanceof Error ? e : new Error(String(e)));
  }

  private async pump(sock: Dealer | Subscriber, handle: (m: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: JupyterMessage;
        try {
          msg = decodeMessage(frames as Buffer[], this.conn.key, this.conn.signature_scheme);
        } catch (e) {
          this.badMessages.push(e instanceof Error ? e.message : String(e));
          continue;
        }
        handle(msg);
      }
    } catch (e) {
      // A closed socket ends its iterator with an error; anything else is worth remembering.
      if (!this.closed) this.badMessages.push(`socket loop ended: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
