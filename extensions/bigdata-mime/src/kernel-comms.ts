// The front end's ends of the kernel's comms (kernel/comms.ts): "bigdata.jobs" (cancel a running
// job from its live panel) and "bigdata.cluster" (the Cluster sidebar). One comm per kernel and
// target, opened on first use and opened again (same listeners) after the kernel restarts or closes it.

import type { CommLike, JSONObject, KernelLike } from "./lab-types";

export const JOBS_TARGET = "bigdata.jobs";
export const CLUSTER_TARGET = "bigdata.cluster";

export type CommListener = (data: JSONObject) => void;

interface Open {
  comm: CommLike;
  listeners: Set<CommListener>;
}

export class KernelComms {
  private readonly open = new Map<string, Open>();   // `${kernel id} ${target}` -> comm

  /** Send `data` on the kernel's comm to `target` (opening it first when needed). */
  send(kernel: KernelLike, target: string, data: JSONObject): void {
    this.comm(kernel, target).comm.send(data);
  }

  /** Hear what the kernel sends on `target`; returns an unsubscribe. Opens the comm. */
  listen(kernel: KernelLike, target: string, fn: CommListener): () => void {
    const o = this.comm(kernel, target);
    o.listeners.add(fn);
    return () => o.listeners.delete(fn);
  }

  private comm(kernel: KernelLike, target: string): Open {
    const key = `${kernel.id} ${target}`;
    const have = this.open.get(key);
    if (have && !have.comm.isDisposed) return have;
    const comm = kernel.createComm(target);
    const o: Open = { comm, listeners: have?.listeners ?? new Set() };
    comm.onMsg = (msg) => {
      const data = (msg.content.data ?? {}) as JSONObject;
      for (const fn of o.listeners) fn(data);
    };
    // A comm the kernel closed (or a restart disposed) is opened again on next use, keeping its listeners.
    comm.onClose = () => {};
    this.open.set(key, o);
    comm.open({});
    return o;
  }
}
