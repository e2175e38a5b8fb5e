// Delivers scheduler events to registered listeners. A listener that throws is reported once
// and never breaks the scheduler.

import type { ListenerEvent, SparkListener } from "./job-info";

const HANDLERS: Record<ListenerEvent["type"], keyof SparkListener> = {
  jobStart: "onJobStart", jobEnd: "onJobEnd", stageSubmitted: "onStageSubmitted", stageCompleted: "onStageCompleted",
  taskStart: "onTaskStart", taskEnd: "onTaskEnd", workerAdded: "onWorkerAdded", workerRemoved: "onWorkerRemoved",
};

export class ListenerBus {
  private readonly listeners = new Set<SparkListener>();

  add(l: SparkListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  post(e: ListenerEvent): void {
    for (const l of this.listeners) {
      try {
        const h = l[HANDLERS[e.type]] as ((ev: ListenerEvent) => void) | undefined;
        h?.call(l, e);
        l.onEvent?.(e);
      } catch (err) {
        console.error(`[bigdata] a SparkListener threw on ${e.type}: ${(err as Error).message}`);
      }
    }
  }
}
