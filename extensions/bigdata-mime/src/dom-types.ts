// The slice of the browser DOM the extension touches, typed locally: the project compiles without
// the DOM library (engine code runs in Node), and these structural types are satisfied by real
// HTMLElement/SVGElement objects in JupyterLab.

export interface StyleLike {
  setProperty(name: string, value: string): void;
  removeProperty(name: string): string;
  getPropertyValue(name: string): string;
}

export interface ElementLike {
  innerHTML: string;
  textContent: string | null;
  readonly style: StyleLike;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  querySelector(selector: string): ElementLike | null;
  querySelectorAll(selector: string): ArrayLike<ElementLike>;
  closest(selector: string): ElementLike | null;
  addEventListener(type: string, listener: (ev: EventLike) => void): void;
  removeEventListener(type: string, listener: (ev: EventLike) => void): void;
}

export interface EventLike {
  readonly target: unknown;
}

/** The element an event came from, when it is one (text nodes and documents are skipped). */
export function eventElement(ev: EventLike): ElementLike | null {
  const t = ev.target as Partial<ElementLike> | null;
  return t && typeof t.closest === "function" ? (t as ElementLike) : null;
}
