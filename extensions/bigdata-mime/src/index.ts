// JupyterLab MIME renderer extension for the Big Data Workbench's own output types
// (application/vnd.bigdata.*+json): interactive DAGs, plans, tables and live job panels drawn by
// the engine's renderers. Default export: the list JupyterLab's rendermime registry expects.

import { BigDataRenderer } from "./renderer";
import { MIME_TYPES } from "./render-model";
import type { IExtension, IRendererFactory } from "./rendermime-types";

export { MIME_TYPES, renderView, type ViewKind, type ViewState } from "./render-model";
export { mount, attachInteractions, highlightDag, highlightPlan, BigDataRenderer } from "./renderer";
export * from "./interactions";

/** Preferred over text/html (rank 50 in JupyterLab's defaults) so the interactive view wins. */
export const RANK = 10;

export const rendererFactory: IRendererFactory = {
  safe: true,
  mimeTypes: MIME_TYPES,
  defaultRank: RANK,
  createRenderer: (options) => new BigDataRenderer(options),
};

const extension: IExtension = {
  id: "bigdata-workbench-mime:plugin",
  rendererFactory,
  rank: RANK,
  dataType: "json",
};

export default extension;
