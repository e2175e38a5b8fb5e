// The "Cluster" sidebar: the workers of the current notebook's embedded cluster, live from the
// kernel's "bigdata.cluster" comm (a snapshot when it opens, another whenever a worker joins or
// leaves, and a refresh after each cell and every few seconds while the panel is shown), with
// Kill (SIGKILL, for the fault demos), Add worker and Refresh buttons.

import { Widget } from "@lumino/widgets";
import type { WorkerInfo } from "../../../engine/viz/engine-types";
import { clusterHtml } from "./cluster-view";
import { eventElement, type EventLike } from "./dom-types";
import { CLUSTER_TARGET, type KernelComms } from "./kernel-comms";
import { kernelOf, type JSONObject, type KernelLike, type SessionContextLike, type ShellWidgetLike } from "./lab-types";

export const CLUSTER_PANEL_ID = "bdw-cluster-panel";
const REFRESH_MS = 3000;
const MAX_GONE = 8;

export class ClusterPanel extends Widget {
  private kernel: KernelLike | null = null;
  private context: SessionContextLike | null = null;
  private notebook = "";
  private workers: WorkerInfo[] = [];
  /** Workers seen before that left (killed, crashed), shown as DEAD like Spark's dead executors; the last few. */
  private gone: WorkerInfo[] = [];
  private note?: string;
  private message?: string;
  private unlisten: () => void = () => {};
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly comms: KernelComms) {
    super();
    this.id = CLUSTER_PANEL_ID;
    this.title.label = "Cluster";
    this.title.caption = "Workers of the current notebook's cluster";
    this.addClass("bdw-cluster-panel");
    this.node.style.setProperty("overflow", "auto");
    this.node.addEventListener("click", (ev) => this.onClick(ev));
    this.timer = setInterval(() => {
      if (this.isVisible) this.ask({ action: "workers" });
    }, REFRESH_MS);
    this.draw();
  }

  /** Follow the shell's current widget when it has a kernel (other tabs keep the last notebook shown). */
  follow(widget: ShellWidgetLike | null): void {
    const ctx = widget?.sessionContext ?? null;
    if (!ctx || ctx === this.context) return;
    this.context?.kernelChanged.disconnect(this.onKernelChanged, this);
    this.context = ctx;
    this.notebook = widget?.title.label ?? "";
    ctx.kernelChanged.connect(this.onKernelChanged, this);
    this.bind(kernelOf(widget));
  }

  private onKernelChanged(): void {
    this.bind(this.context?.session?.kernel ?? null);
  }

  private bind(kernel: KernelLike | null): void {
    if (kernel === this.kernel) return;
    this.unlisten();
    this.kernel?.statusChanged.disconnect(this.onStatus, this);
    this.kernel = kernel;
    this.workers = [];
    this.gone = [];
    this.message = undefined;
    this.note = kernel ? "waiting for the kernel..." : "no kernel";
    if (kernel) {
      this.unlisten = this.comms.listen(kernel, CLUSTER_TARGET, (d) => this.onData(d));
      kernel.statusChanged.connect(this.onStatus, this);
    } else {
      this.unlisten = () => {};
    }
    this.draw();
  }

  /** After each cell (the kernel goes idle) the workers may have changed: ask again. */
  private onStatus(_: unknown, status: string): void {
    if (status === "idle") this.ask({ action: "workers" });
  }

  private ask(data: JSONObject): void {
    if (this.kernel && !this.kernel.isDisposed && this.kernel.status !== "dead") this.comms.send(this.kernel, CLUSTER_TARGET, data);
  }

  private onData(d: JSONObject): void {
    if (d.event === "workers") {
      const now = Array.isArray(d.workers) ? (d.workers as WorkerInfo[]) : [];
      const ids = new Set(now.map((w) => w.id));
      const left = this.workers.filter((w) => !ids.has(w.id)).map((w) => ({ ...w, state: "DEAD" as const, freeSlots: w.slots }));
      this.gone = [...this.gone.filter((w) => !ids.has(w.id)), ...left].slice(-MAX_GONE);
      this.workers = now;
      this.note = typeof d.note === "string" ? d.note : undefined;
      if (Array.isArray(d.added)) this.message = `started ${d.added.join(", ")}`;
    } else if (d.event === "error") {
      this.message = String(d.message ?? "error");
    }
    this.draw();
  }

  private onClick(ev: EventLike): void {
    const b = eventElement(ev)?.closest("button");
    if (!b) return;
    const cls = b.getAttribute("class") ?? "";
    if (cls.includes("bdw-kill")) {
      const id = b.getAttribute("data-worker") ?? "";
      this.message = `killing ${id}...`;
      this.ask({ action: "kill", workerId: id });
    } else if (cls.includes("bdw-add")) {
      this.message = "starting a worker...";
      this.ask({ action: "add" });
    } else if (cls.includes("bdw-refresh")) {
      this.message = undefined;
      this.ask({ action: "workers" });
    } else {
      return;
    }
    this.draw();
  }

  private draw(): void {
    this.node.innerHTML = clusterHtml({ notebook: this.notebook, workers: [...this.workers, ...this.gone], note: this.note, message: this.message, now: Date.now() });
  }

  override dispose(): void {
    clearInterval(this.timer);
    this.unlisten();
    super.dispose();
  }
}
