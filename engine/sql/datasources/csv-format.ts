// The CSV file format (spark.read.csv / df.write.csv): schema inference and reading in
// csv-source.ts, writing here with Spark's quoting (escape `\` by default, quoteAll, nullValue,
// emptyValue, header, Java-style doubles, ISO timestamps with an offset).

import type { StructType } from "../types";
import { checkCsvSchema, csvSettings, csvValueArrays, inferCsvSchema, readCsvFile } from "./csv-source";
import { quoteField } from "./csv-tokenizer";
import type { FileFormat } from "./file-format";
import { registerFileFormat } from "./file-source";
import { LINE_CODECS, linesText, writeLineFile } from "./line-writer";
import type { Options } from "./options";
import type { Row } from "./types";
import { textFormats, valueToText } from "./value-text";

/** The CSV text of rows (a header line first with `header`). */
export function csvText(rows: Row[], schema: StructType, o: Options): string {
  const s = csvSettings(o);
  const syntax = {
    ...s.syntax,
    ignoreLeadingWhiteSpace: o.bool("ignoreLeadingWhiteSpace", true),
    ignoreTrailingWhiteSpace: o.bool("ignoreTrailingWhiteSpace", true),
  };
  const quoteAll = o.bool("quoteAll", false);
  const nullText = o.str("nullValue", "");
  const emptyText = o.get("emptyValue");
  const fmts = textFormats(o.get("dateFormat"), o.get("timestampFormat"), o.get("timeZone"));
  const lines: string[] = [];
  if (o.bool("header", false)) lines.push(schema.fieldNames.map((n) => quoteField(n, syntax, quoteAll)).join(syntax.sep));
  for (const r of rows) {
    lines.push(schema.fields.map((f) => {
      const v = r[f.name];
      if (v === null || v === undefined) return nullText;
      let t = valueToText(v, f.dataType, fmts);
      if (syntax.ignoreLeadingWhiteSpace) t = t.replace(/^[ \t]+/, "");
      if (syntax.ignoreTrailingWhiteSpace) t = t.replace(/[ \t]+$/, "");
      if (t === "") return emptyText ?? (syntax.quote === "\u0000" ? "" : syntax.quote + syntax.quote);
      return quoteField(t, syntax, quoteAll);
    }).join(syntax.sep));
  }
  return linesText(lines);
}

export const csvFormat: FileFormat = {
  name: "csv",
  inferSchema: inferCsvSchema,
  isSplitable: (_path, o) => !o.bool("multiLine", false),
  readFile: (file, cols, o, _filters, metrics) => readCsvFile(file, cols, o, metrics),
  readFileValues: csvValueArrays,
  defaultCompression: "none",
  fileExtension: (compression) => ".csv" + (LINE_CODECS[compression] ?? ""),
  checkWriteSchema: checkCsvSchema,
  writeFile: (path, rows, schema, o, compression) => writeLineFile(path, csvText(rows, schema, o), o, compression, "csv"),
};

registerFileFormat(csvFormat);
