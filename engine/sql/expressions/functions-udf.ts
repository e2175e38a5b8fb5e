// User-defined functions (F.udf): the user's JavaScript function is serialized once on the
// driver (engine/common/closure, like PySpark pickles a Python UDF) and rebuilt on the workers;
// it receives argument values (nulls included) and must return values of its declared type.

import { deserializeFunction, type SerializedFunction } from "../../common/closure";
import { ExecutionError } from "../../common/errors";
import { register } from "./registry";

register({
  kind: "scalar", name: "udf", minArgs: 0, maxArgs: Infinity, nullSafe: true,
  resolve(args, node) {
    return { args, dataType: node.udf!.returnType, nullable: true };
  },
  compile(args, info) {
    const udf = info.node.udf!;
    const f = deserializeFunction<(...a: unknown[]) => unknown>(udf.fn as SerializedFunction);
    return (row) => {
      const vals = args.map((a) => a(row));
      try {
        const r = f(...vals);
        return r === undefined ? null : r;
      } catch (e) {
        throw new ExecutionError("FAILED_EXECUTE_UDF", `User defined function (\`${udf.name}\`) failed due to: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}.`, { cause: e, causeStack: e instanceof Error ? e.stack : undefined });
      }
    };
  },
});
