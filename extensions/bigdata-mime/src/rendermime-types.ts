// The few @jupyterlab/rendermime-interfaces types this extension uses, declared locally because
// the package is not installable here. Shapes follow rendermime-interfaces 3.x (JupyterLab 4);
// where JupyterLab exists, these can be swapped for `import type { IRenderMime } from
// "@jupyterlab/rendermime-interfaces"` without other changes.

import type { ElementLike } from "./dom-types";

export type ReadonlyJSONValue = null | boolean | number | string | readonly ReadonlyJSONValue[] | { readonly [k: string]: ReadonlyJSONValue | undefined };

export interface IMimeModel {
  /** Every MIME type of the output item, not just the one being rendered. */
  readonly data: { readonly [mimeType: string]: unknown };
  readonly metadata: { readonly [key: string]: unknown };
  readonly trusted: boolean;
}

export interface IRenderer {
  readonly node: ElementLike;
  renderModel(model: IMimeModel): Promise<void>;
  dispose(): void;
}

export interface IRendererOptions {
  mimeType: string;
  sanitizer?: unknown;
  resolver?: unknown;
  linkHandler?: unknown;
  latexTypesetter?: unknown;
}

export interface IRendererFactory {
  readonly safe: boolean;
  readonly mimeTypes: readonly string[];
  readonly defaultRank?: number;
  createRenderer(options: IRendererOptions): IRenderer;
}

export interface IExtension {
  readonly id: string;
  readonly rendererFactory: IRendererFactory;
  readonly rank?: number;
  readonly dataType?: "string" | "json";
  readonly fileTypes?: readonly unknown[];
  readonly documentWidgetFactoryOptions?: unknown;
}
