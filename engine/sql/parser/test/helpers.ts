// Test helpers: print parsed text compactly, and capture the ParseError a text raises.

import { ParseError } from "../../../common/errors";
import { parseExpression, parseStatement, printAst } from "../index";

export const pe = (text: string): string => printAst(parseExpression(text));
export const ps = (text: string): string => printAst(parseStatement(text));

/** The ParseError `f` throws (fails the test if it throws nothing or something else). */
export function parseErrorOf(f: () => unknown): ParseError {
  try {
    f();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw new Error(`expected a ParseError, got ${String(e)}`);
  }
  throw new Error("expected a ParseError, but parsing succeeded");
}
