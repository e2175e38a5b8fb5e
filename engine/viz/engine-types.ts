// The engine data the renderers draw (a job's DAG and its parts), re-exported for the JupyterLab
// extension, which may import engine/viz but nothing below it.

export type { JobDag, DagStage, DagRdd, DagEdge, WorkerInfo } from "../scheduler/job-info";
