// Type shim for @lumino/widgets, enough for this extension to type-check in the workbench repo
// (where JupyterLab and Lumino are not installed). The real build (see README) excludes this
// folder and uses the real package, of which this is a compatible subset. `node` is typed
// structurally like src/dom-types.ts ElementLike (ambient modules cannot import relative files).
declare module "@lumino/widgets" {
  interface ShimElement {
    innerHTML: string;
    textContent: string | null;
    readonly style: { setProperty(name: string, value: string): void; removeProperty(name: string): string; getPropertyValue(name: string): string };
    getAttribute(name: string): string | null;
    setAttribute(name: string, value: string): void;
    removeAttribute(name: string): void;
    querySelector(selector: string): ShimElement | null;
    querySelectorAll(selector: string): ArrayLike<ShimElement>;
    closest(selector: string): ShimElement | null;
    addEventListener(type: string, listener: (ev: { readonly target: unknown }) => void): void;
    removeEventListener(type: string, listener: (ev: { readonly target: unknown }) => void): void;
  }
  export class Widget {
    constructor(options?: { node?: ShimElement });
    readonly node: ShimElement;
    id: string;
    readonly title: { label: string; caption: string };
    readonly isVisible: boolean;
    addClass(name: string): void;
    removeClass(name: string): void;
    readonly isDisposed: boolean;
    dispose(): void;
  }
}
