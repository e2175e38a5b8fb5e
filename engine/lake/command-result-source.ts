// The rows of a SQL command that is still running (Delta's DELETE / UPDATE / MERGE / ... metrics):
// a tiny data source whose planning waits for the command, so the DataFrame spark.sql() returns
// at once plans, shows and collects like any other, with its rows once the command is done.
// Registered on executors too (worker-preload imports delta-source, which imports this file);
// the rows travel inside the split.

import { AnalysisError } from "../common/errors";
import { registerDataSource, type DataSource } from "../sql/datasource-contract";
import { externalToInternal } from "../sql/row-convert";
import type { StructType } from "../sql/types";

export const COMMAND_RESULT_FORMAT = "__command_result";

/** Driver side: command id -> its result rows (external values, in schema order). */
export const commandResults = new Map<string, Promise<unknown[][]>>();

interface Split { names: string[]; rows: unknown[][] }

const commandResultSource: DataSource = {
  format: COMMAND_RESULT_FORMAT,
  inferSchema() {
    throw new AnalysisError("UNABLE_TO_INFER_SCHEMA", "A command result has the schema of its command.");
  },
  async planSplits(paths, _options, dataSchema: StructType): Promise<Split[]> {
    const p = commandResults.get(paths[0]!);
    if (!p) throw new AnalysisError("INTERNAL_ERROR", `No command result ${paths[0]}.`);
    const rows = await p;
    const fields = dataSchema.fields;
    return [{ names: fields.map((f) => f.name), rows: rows.map((r) => fields.map((f, i) => externalToInternal(r[i], f.dataType))) }];
  },
  readSplit(split, req) {
    const s = split as Split;
    const idx = req.requiredColumns.map((c) => s.names.findIndex((n) => n.toLowerCase() === c.toLowerCase()));
    return s.rows.map((r) => idx.map((i) => r[i]));
  },
};

registerDataSource(commandResultSource);
