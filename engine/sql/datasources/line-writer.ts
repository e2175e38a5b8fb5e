// Writing a line format's file (CSV, JSON lines, text): the charset of the `encoding` option, and
// gzip when `compression` names it (the codecs Hadoop's text output formats offer here).

import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { AnalysisError } from "../../common/errors";
import { textEncoding, type Options } from "./options";

/** The codecs line formats write, and the name ending each adds. */
export const LINE_CODECS: Record<string, string> = { none: "", gzip: ".gz" };

export function writeLineFile(path: string, text: string, o: Options, compression: string, format: string): void {
  if (!(compression in LINE_CODECS)) {
    throw new AnalysisError("CODEC_NOT_AVAILABLE", `The codec ${compression} is not available for ${format} writes. Available: ${Object.keys(LINE_CODECS).join(", ")}.`, { parameters: { codecName: compression } });
  }
  const encoded = Buffer.from(text, textEncoding(o));
  writeFileSync(path, compression === "gzip" ? gzipSync(encoded) : encoded);
}

/** Lines joined with a trailing newline ("" for none). */
export function linesText(lines: string[]): string {
  return lines.length ? lines.join("\n") + "\n" : "";
}
