// The slice of JupyterLab's application API the lab plugin uses, typed structurally (like
// rendermime-types.ts): the plugin asks for no tokens, so it needs no @jupyterlab package at run
// time; JupyterLab 4's JupyterFrontEnd, its shell (ILabShell, and Notebook 7's INotebookShell),
// a NotebookPanel's sessionContext and @jupyterlab/services' kernel connection and comms fit these.

import type { ElementLike } from "./dom-types";

export type JSONObject = { [key: string]: unknown };

export interface SignalLike<A> {
  connect(slot: (sender: unknown, args: A) => void, thisArg?: unknown): boolean;
  disconnect(slot: (sender: unknown, args: A) => void, thisArg?: unknown): boolean;
}

/** @jupyterlab/services Kernel.IComm. */
export interface CommLike {
  readonly commId: string;
  readonly isDisposed: boolean;
  open(data?: JSONObject): unknown;
  send(data: JSONObject): unknown;
  close(data?: JSONObject): unknown;
  onMsg: (msg: { content: { data: unknown } }) => void;
  onClose: (msg: unknown) => void;
}

/** @jupyterlab/services Kernel.IKernelConnection. */
export interface KernelLike {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly isDisposed: boolean;
  createComm(targetName: string, commId?: string): CommLike;
  readonly statusChanged: SignalLike<string>;
}

/** A document widget with a kernel (NotebookPanel, ConsolePanel): its sessionContext. */
export interface SessionContextLike {
  readonly session: { readonly kernel: KernelLike | null } | null;
  readonly kernelChanged: SignalLike<unknown>;
}

export interface NodeLike extends ElementLike {
  contains(other: unknown): boolean;
}

export interface ShellWidgetLike {
  readonly node: NodeLike;
  readonly sessionContext?: SessionContextLike;
  readonly title: { label: string };
}

export interface ShellLike {
  readonly node: NodeLike;
  readonly currentWidget: ShellWidgetLike | null;
  readonly currentChanged?: SignalLike<unknown>;
  add(widget: unknown, area?: string, options?: { rank?: number }): void;
  widgets(area?: string): Iterable<ShellWidgetLike>;
}

/** JupyterFrontEnd (JupyterLab, Notebook 7). */
export interface AppLike {
  readonly shell: ShellLike;
}

/** JupyterFrontEndPlugin<void>. */
export interface PluginLike {
  readonly id: string;
  readonly description?: string;
  readonly autoStart: boolean;
  activate(app: AppLike): void;
}

/** The kernel behind a shell widget, when it has one running. */
export function kernelOf(w: ShellWidgetLike | null | undefined): KernelLike | null {
  return w?.sessionContext?.session?.kernel ?? null;
}
