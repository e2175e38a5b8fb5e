// Test-only stand-in for @lumino/widgets (not installable here), used through the alias in this
// folder's vitest.config.ts so the extension's entry point can be imported and its factory
// checked. The widget's real drawing is tested in chromium via mount() (browser.test.ts).
export class Widget {
  readonly node: unknown;
  private classes = new Set<string>();
  isDisposed = false;
  id = "";
  readonly title = { label: "", caption: "" };
  isVisible = true;
  constructor(options: { node?: unknown } = {}) {
    this.node = options.node ?? null;
  }
  addClass(name: string): void {
    this.classes.add(name);
  }
  removeClass(name: string): void {
    this.classes.delete(name);
  }
  hasClass(name: string): boolean {
    return this.classes.has(name);
  }
  dispose(): void {
    this.isDisposed = true;
  }
}
