// An executor is one task slot of a worker: "<workerId>#<slot>", the key of cache locations and
// of the broadcasts an executor already holds. The one place that spells and parses it.

export function executorId(workerId: string, slot: number): string {
  return `${workerId}#${slot}`;
}

export function parseExecutorId(exec: string): { workerId: string; slot: number } {
  const i = exec.lastIndexOf("#");
  return { workerId: exec.slice(0, i), slot: Number(exec.slice(i + 1)) };
}

/** Whether `exec` is one of `workerId`'s slots. */
export function isExecutorOf(exec: string, workerId: string): boolean {
  return exec.startsWith(workerId + "#") && exec.lastIndexOf("#") === workerId.length;
}
