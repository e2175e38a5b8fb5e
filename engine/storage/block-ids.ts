// Names of cached RDD blocks, as Spark's BlockId: "rdd_<rddId>_<partition>". The one place that
// spells them; the block manager, the RDD's cache lookup and the scheduler's cache locations all
// go through these.

export function rddBlockId(rddId: number, partition: number): string {
  return `rdd_${rddId}_${partition}`;
}

/** The prefix every block of one RDD starts with. */
export function rddBlockPrefix(rddId: number): string {
  return `rdd_${rddId}_`;
}

/** The RDD id of a block id (as text), or undefined for other blocks. */
export function rddIdOfBlock(blockId: string): string | undefined {
  const m = /^rdd_(\d+)_/.exec(blockId);
  return m ? m[1] : undefined;
}

/** The RDD id and partition of a block id, or undefined for other blocks. */
export function parseRddBlockId(blockId: string): { rddId: number; partition: number } | undefined {
  const m = /^rdd_(\d+)_(\d+)$/.exec(blockId);
  return m ? { rddId: Number(m[1]), partition: Number(m[2]) } : undefined;
}
