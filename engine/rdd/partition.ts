// A partition is plain data: its index plus whatever its RDD needs to compute it (a slice of a
// parallelized collection, a file range, the parent partitions it wraps). A task carries exactly
// one Partition object, so everything a partition needs must be inside it.

export interface Partition {
  readonly index: number;
  readonly [field: string]: unknown;
}

export function simplePartitions(n: number): Partition[] {
  return Array.from({ length: n }, (_, index) => ({ index }));
}
