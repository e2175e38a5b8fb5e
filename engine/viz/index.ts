// engine/viz: pure renderers from plain engine data (job-info.ts, schemas and rows, plan graphs)
// to MIME bundles for notebooks. Nothing here touches sockets or the scheduler; every output
// renders offline (inline SVG/HTML, no scripts, no CDN).

export { MIME, BIGDATA_MIME_TYPES, type MimeBundle } from "./mime";
export type { JobDag, DagStage, DagRdd, DagEdge } from "./engine-types";
export { formatBytes, formatDuration, formatCount, formatTimestamp, escapeXml } from "./format";
export { formatCell, javaDoubleToString, javaFloatToString } from "./cell-format";
export { showString, stringHalfWidth } from "./show-string";
export { renderTable, tablePayload, type TablePayload, type TableCell, type TableOptions } from "./table";
export { sparkQuantiles, SUMMARY_QUANTILES } from "./quantiles";
export { renderStageMetrics, stageMetricsSummary, type StageMetricsPayload, type StageMetricsOptions, type SkewWarning, type MetricRow } from "./stage-metrics";
export { renderProgress, consoleBar, type ProgressPayload, type ProgressOptions } from "./progress";
export { renderJobSummary, jobSummary, type JobSummaryPayload } from "./job-summary";
export { renderDag, dagSvg, dagText, collapsedStages, type DagOptions } from "./dag";
export { layoutGraph, type LayoutNode, type LayoutEdge, type LayoutCluster, type LayoutResult } from "./layout";
export { renderLineage, parseLineage, type LineageLine } from "./lineage";
export { renderPlanGraph, planSvg, planText, rowsOut, type PlanGraphNode } from "./plan-graph";
export { renderTaskTimeline, taskTimelineSpec, timelineRows, timelineText, vegaLiteToSvg, type TimelineRow, type TimelineOptions, type VegaLiteSpec } from "./task-timeline";
export { renderStreamTable, streamPayload, type StreamTableInput, type StreamingQueryProgress, type StreamPayload } from "./stream-table";
export { renderStageMetricsPayload } from "./stage-metrics";
export { renderJobSummaryPayload } from "./job-summary";
export { tableHtml, type TableHtmlOptions } from "./table";
export { streamHtml } from "./stream-table";
export { renderWorkers } from "./workers";
export { renderStreamCharts, renderStreamPanel, streamChartsSpec } from "./stream-charts";
export { renderGraph, type GraphDrawingNode, type GraphDrawingEdge, type GraphDrawingOptions } from "./graph-drawing";
export { renderPrediction, renderPredictionCheck, renderRunComparison, matchStages, predictionCounts, runFigures, type PredictedJob, type RunRecord, type StageMatch } from "./compare";
export { renderFailureReplay, replayText } from "./replay";
export { edgeDataText, edgeDataHtml } from "./edge-data";
export { DRILL_TASKS_PER_STAGE, stageDrillHtml, stageDrills, type DrillTask, type StageDrill } from "./stage-drill";
