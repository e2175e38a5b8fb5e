// Analysis errors located in the SQL text (line, column and a caret snippet, like parse errors),
// for constructs the parser accepts but the workbench does not run (named function arguments,
// time travel), named with Spark's error conditions.

import { AnalysisError } from "../../common/errors";
import type { Pos } from "../parser";
import { SourceText } from "../parser/source-text";

export function analysisErrorAt(source: SourceText | undefined, pos: Pos | undefined, condition: string, message: string, parameters: Record<string, unknown> = {}, length = 1): AnalysisError {
  if (!pos) return new AnalysisError(condition, message, { parameters });
  const snippet = source?.snippet(pos.offset, length);
  return new AnalysisError(condition, `${message}; line ${pos.line} pos ${pos.column - 1}`, {
    parameters,
    context: { line: pos.line, column: pos.column, ...(snippet ? { snippet } : {}) },
  });
}

export { SourceText };
