// Parse-mode handling shared by CSV and JSON: what happens to a record that does not fit the
// schema. PERMISSIVE keeps it (bad fields null, raw text in the corrupt-record column when the
// schema has one), DROPMALFORMED drops it, FAILFAST stops the task with an error naming the
// file, line, column and value.

import { ExecutionError } from "../../common/errors";
import { fileUri } from "./file-listing";
import type { ParseMode } from "./options";

export interface BadField {
  column?: string;
  value?: string;
  reason: string;
}

export function malformedError(format: string, path: string, line: number | undefined, bad: BadField, mode: ParseMode = "FAILFAST"): ExecutionError {
  const where = `${fileUri(path)}${line !== undefined ? `, line ${line}` : ""}${bad.column !== undefined ? `, column \`${bad.column}\`` : ""}`;
  const what = bad.value !== undefined ? `${bad.reason}: '${bad.value}'` : bad.reason;
  return new ExecutionError(
    "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
    `Malformed records are detected in record parsing (${format}) at ${where}: ${what}. Parse Mode: ${mode}. ` +
      "To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.",
    {
      parameters: { format, file: fileUri(path), line, column: bad.column, value: bad.value, failFastMode: mode },
      context: { file: path, line, columnName: bad.column, value: bad.value },
    },
  );
}
