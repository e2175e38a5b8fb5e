// PySpark's StatusTracker: low-level status of jobs and stages, read from the job tracker.

import type { JobInfo, StageInfo } from "../scheduler/job-info";
import type { JobTracker } from "../scheduler/job-tracker";

export class StatusTracker {
  constructor(private readonly tracker: JobTracker) {}

  /**
   * Ids of all known jobs in a job group, oldest first. As in PySpark, with no group (undefined or
   * null) it returns the jobs that are not associated with any job group.
   */
  getJobIdsForGroup(jobGroup?: string | null): number[] {
    return [...this.tracker.jobs.values()].filter((j) => (j.info.jobGroup ?? null) === (jobGroup ?? null)).map((j) => j.info.jobId);
  }
  getActiveJobsIds(): number[] {
    return [...this.tracker.activeJobs];
  }
  getActiveStageIds(): number[] {
    return [...this.tracker.activeStages];
  }
  getJobInfo(jobId: number): JobInfo | undefined {
    const j = this.tracker.jobs.get(jobId);
    return j ? { ...j.info, stageIds: [...j.stageIds] } : undefined;
  }
  getStageInfo(stageId: number): StageInfo | undefined {
    const s = this.tracker.stages.get(stageId);
    return s ? { ...s } : undefined;
  }
}
