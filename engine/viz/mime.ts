// MIME bundle type and the MIME type names the workbench emits. Every renderer returns a bundle
// with "text/plain" plus richer views; the application/vnd.bigdata.* entries carry the plain data
// so the JupyterLab extension can redraw it interactively.

/** What `_repr_mimebundle_()` returns: MIME type -> data. Always has "text/plain". */
export type MimeBundle = Record<string, unknown>;

export const MIME = {
  text: "text/plain",
  html: "text/html",
  svg: "image/svg+xml",
  vegaLite: "application/vnd.vegalite.v5+json",
  dag: "application/vnd.bigdata.dag+json",
  progress: "application/vnd.bigdata.progress+json",
  metrics: "application/vnd.bigdata.metrics+json",
  table: "application/vnd.bigdata.table+json",
  plan: "application/vnd.bigdata.plan+json",
  stream: "application/vnd.bigdata.stream+json",
  lineage: "application/vnd.bigdata.lineage+json",
  timeline: "application/vnd.bigdata.timeline+json",
} as const;

/** The workbench's own MIME types, the ones the lab extension renders. */
export const BIGDATA_MIME_TYPES: readonly string[] = [
  MIME.dag, MIME.progress, MIME.metrics, MIME.table, MIME.plan, MIME.stream, MIME.lineage, MIME.timeline,
];
