// Functions that read the task's context (partition id, row counter), hashing, and typeof.

import { hashKey } from "../../common/keys";
import { IntegerType, LongType, StringType, simpleString } from "../types";
import { register } from "./registry";

register({
  // typeof(x): the argument's type as Spark's catalogString names it ("decimal(2,1)", "array<int>", "void").
  kind: "scalar", name: "typeof", minArgs: 1, maxArgs: 1, nullSafe: true,
  resolve(args) { return { args, dataType: StringType, nullable: false }; },
  eval(_v, info) { return simpleString(info.argTypes[0]!); },
});

register({
  kind: "scalar", name: "monotonically_increasing_id", minArgs: 0, maxArgs: 0,
  resolve() { return { args: [], dataType: LongType, nullable: false }; },
  // Spark: partition id in the upper 31 bits, record number within the partition in the lower 33.
  compile(_a, info) { return () => info.ctx.partitionId * 2 ** 33 + info.ctx.rowCounter.n++; },
});
register({
  kind: "scalar", name: "spark_partition_id", minArgs: 0, maxArgs: 0,
  resolve() { return { args: [], dataType: IntegerType, nullable: false }; },
  compile(_a, info) { return () => info.ctx.partitionId; },
});
register({
  kind: "scalar", name: "input_file_name", minArgs: 0, maxArgs: 0,
  resolve() { return { args: [], dataType: StringType, nullable: false }; },
  compile() { return () => ""; },
});
register({
  kind: "scalar", name: "hash", minArgs: 1, maxArgs: Infinity, nullSafe: true,
  resolve(args) { return { args, dataType: IntegerType, nullable: false }; },
  // Stable across processes (engine/common/keys hashKey), not Spark's Murmur3 values.
  eval(vals) { return hashKey(vals) | 0; },
});
register({
  kind: "scalar", name: "uuid", minArgs: 0, maxArgs: 0,
  resolve() { return { args: [], dataType: StringType, nullable: false }; },
  compile() { return () => crypto.randomUUID(); },
});
