// Hadoop's job counters: groups of named long values. Tasks count into plain records
// (group -> name -> value); the driver sums the successful attempts into a Counters object.

export const TASK_COUNTER = "org.apache.hadoop.mapreduce.TaskCounter";
export const FILE_INPUT_COUNTER = "org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter";
export const FILE_OUTPUT_COUNTER = "org.apache.hadoop.mapreduce.lib.output.FileOutputFormatCounter";
export const JOB_COUNTER = "org.apache.hadoop.mapreduce.JobCounter";

/** Counter values of one task or a whole job: group -> name -> value. */
export type CounterData = Record<string, Record<string, number>>;

export function addCounter(data: CounterData, group: string, name: string, n: number): void {
  const g = (data[group] ??= {});
  g[name] = (g[name] ?? 0) + n;
}

export function mergeCounters(into: CounterData, from: CounterData): void {
  for (const [g, names] of Object.entries(from)) for (const [n, v] of Object.entries(names)) addCounter(into, g, n, v);
}

const GROUP_SHORT: Record<string, string> = {
  [TASK_COUNTER]: "Map-Reduce Framework",
  [FILE_INPUT_COUNTER]: "File Input Format Counters",
  [FILE_OUTPUT_COUNTER]: "File Output Format Counters",
  [JOB_COUNTER]: "Job Counters",
};

/** The counters of a finished job. `get(name)` looks a name up in every group (TaskCounter first). */
export class Counters {
  constructor(readonly data: CounterData = {}) {}

  /** `get("MAP_OUTPUT_RECORDS")` or `get(group, name)`; 0 when never incremented. */
  get(groupOrName: string, name?: string): number {
    if (name !== undefined) return this.data[groupOrName]?.[name] ?? 0;
    const order = [TASK_COUNTER, FILE_INPUT_COUNTER, FILE_OUTPUT_COUNTER, JOB_COUNTER, ...Object.keys(this.data)];
    for (const g of order) {
      const v = this.data[g]?.[groupOrName];
      if (v !== undefined) return v;
    }
    return 0;
  }

  /** One group's counters as a plain object (accepts the display name too, e.g. "Map-Reduce Framework"). */
  group(group: string): Record<string, number> {
    const full = Object.entries(GROUP_SHORT).find(([, short]) => short === group)?.[0] ?? group;
    return { ...(this.data[full] ?? {}) };
  }

  groups(): string[] {
    return Object.keys(this.data);
  }

  /** Flat view: [group, name, value] rows, groups in Hadoop's print order. */
  rows(): Array<[string, string, number]> {
    const out: Array<[string, string, number]> = [];
    const order = [JOB_COUNTER, TASK_COUNTER, FILE_INPUT_COUNTER, FILE_OUTPUT_COUNTER];
    const groups = [...order.filter((g) => this.data[g]), ...Object.keys(this.data).filter((g) => !order.includes(g)).sort()];
    for (const g of groups) for (const [n, v] of Object.entries(this.data[g]!)) out.push([g, n, v]);
    return out;
  }

  /** As Hadoop prints them at the end of a job. */
  toString(): string {
    let cur = "";
    const lines = [`Counters: ${this.rows().length}`];
    for (const [g, n, v] of this.rows()) {
      if (g !== cur) { lines.push(`\t${GROUP_SHORT[g] ?? g}`); cur = g; }
      lines.push(`\t\t${n}=${v}`);
    }
    return lines.join("\n");
  }

  static displayGroup(group: string): string {
    return GROUP_SHORT[group] ?? group;
  }
}
