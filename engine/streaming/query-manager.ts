// spark.streams (PySpark's StreamingQueryManager): the active queries of a session, waiting for
// any of them to end, and listeners that hear every query's start, progress, idle and end.

import { AnalysisError } from "../common/errors";
import type { SqlSession } from "../sql";
import type { QueryHost, StreamingQuery, StreamingQueryListener } from "./streaming-query";

export class StreamingQueryManager implements QueryHost {
  private readonly activeQueries = new Map<string, StreamingQuery>();
  private readonly listenerList: StreamingQueryListener[] = [];
  private lastTerminated?: StreamingQuery;
  private anyWaiters: Array<() => void> = [];

  get active(): StreamingQuery[] { return [...this.activeQueries.values()]; }
  get(id: string): StreamingQuery | null { return this.activeQueries.get(id) ?? null; }

  addListener(l: StreamingQueryListener): void { this.listenerList.push(l); }
  removeListener(l: StreamingQueryListener): void {
    const i = this.listenerList.indexOf(l);
    if (i >= 0) this.listenerList.splice(i, 1);
  }
  listeners(): StreamingQueryListener[] { return this.listenerList.slice(); }

  /** Resolves when any query terminates (or has since the last resetTerminated()); rejects with its exception. */
  async awaitAnyTermination(timeoutMs?: number): Promise<boolean> {
    if (!this.lastTerminated) {
      const ended = new Promise<boolean>((r) => this.anyWaiters.push(() => r(true)));
      const res = timeoutMs === undefined ? await ended : await Promise.race([ended, new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs))]);
      if (!res) return false;
    }
    const e = this.lastTerminated?.exception();
    if (e) throw e;
    return true;
  }
  resetTerminated(): void { this.lastTerminated = undefined; }

  /** @internal */
  checkStart(q: { id: string; name: string | null }): void {
    for (const a of this.activeQueries.values()) {
      if (q.name && a.name === q.name) throw new AnalysisError("STREAMING_QUERY_ALREADY_ACTIVE", `Cannot start query with name ${q.name} as a query with that name is already active in this SparkSession`);
      if (a.id === q.id) throw new AnalysisError("CONCURRENT_QUERY", `Cannot start query with id ${q.id} as another query with same id is already active. Perhaps you are attempting to restart a query from checkpoint that is already active.`);
    }
  }
  started(q: StreamingQuery): void { this.activeQueries.set(q.id, q); }
  terminated(q: StreamingQuery): void {
    if (this.activeQueries.get(q.id) === q) this.activeQueries.delete(q.id);
    this.lastTerminated = q;
    for (const w of this.anyWaiters.splice(0)) w();
  }
}

const managers = new WeakMap<SqlSession, StreamingQueryManager>();

/** The StreamingQueryManager of a session (created on first use). */
export function streamsOf(session: SqlSession): StreamingQueryManager {
  let m = managers.get(session);
  if (!m) { m = new StreamingQueryManager(); managers.set(session, m); }
  return m;
}
