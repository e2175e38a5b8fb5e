// Statements and plans deeper than the engine's recursion can follow (a 5,000-term expression,
// 3,000 UNION ALLs, a DataFrame unioned in a loop) fail with Spark's FAILED_TO_PARSE_TOO_COMPLEX
// instead of a bare RangeError from deep inside the binder or optimizer.

import { ParseError } from "../common/errors";

export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /Maximum call stack size exceeded/.test(e.message);
}

export function tooComplexError(cause: unknown): ParseError {
  return new ParseError("FAILED_TO_PARSE_TOO_COMPLEX",
    "The statement, including potential SQL functions and referenced views, was too complex to parse. To mitigate this error divide the statement into multiple, less complex chunks.",
    { cause });
}

/** Run `f`, turning a stack overflow into FAILED_TO_PARSE_TOO_COMPLEX. */
export function guardComplexity<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isStackOverflow(e)) throw tooComplexError(e);
    throw e;
  }
}
