// SQL source text with line/column lookup and Spark-style error snippets: every ParseError the
// parser raises is built here so messages, positions and carets look the same everywhere.

import { ParseError } from "../../common/errors";
import type { Pos } from "./ast";

export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.lineStarts.push(i + 1);
  }

  /** 1-based line and column of a 0-based offset (clamped to the text). */
  lineCol(offset: number): Pos {
    const off = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0, hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= off) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, column: off - this.lineStarts[lo]! + 1, offset: off };
  }

  /**
   * What Spark's ParseException adds to its message: `(line 1, pos 7)` (pos 0-based) and the
   * statement under `== SQL ==` with a dashed caret line `-------^^^` after the error's line.
   */
  positionBlock(line: number, column: number): string {
    const lines = this.text.replace(/\r/g, "").split("\n");
    const above = lines.slice(0, line), below = lines.slice(line);
    return ` (line ${line}, pos ${column - 1})\n\n== SQL ==\n${above.join("\n")}\n${"-".repeat(column - 1)}^^^${below.length ? "\n" + below.join("\n") : ""}`;
  }

  /**
   * Spark 3.4+ style context: a header, the offending line, and dashes up to a caret run under
   * the token (at least one caret, never past the end of the line plus one).
   */
  snippet(offset: number, length: number): string {
    const { line, column } = this.lineCol(offset);
    const start = this.lineStarts[line - 1]!;
    let end = this.text.indexOf("\n", start);
    if (end < 0) end = this.text.length;
    const lineText = this.text.slice(start, end).replace(/\r$/, "");
    const carets = Math.max(1, Math.min(length, lineText.length - (column - 1)));
    return `== SQL (line ${line}, position ${column}) ==\n${lineText}\n${"-".repeat(column - 1)}${"^".repeat(carets)}`;
  }
}

/** A ParseError located at [offset, offset+length) of the source. */
export function errorAt(
  src: SourceText,
  condition: string,
  message: string,
  offset: number,
  length: number,
  parameters: Record<string, unknown> = {},
): ParseError {
  const { line, column } = src.lineCol(offset);
  return new ParseError(condition, message + src.positionBlock(line, column), {
    parameters,
    context: { line, column, snippet: src.snippet(offset, length) },
  });
}
