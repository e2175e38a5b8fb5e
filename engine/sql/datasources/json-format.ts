// The JSON lines file format (spark.read.json / df.write.json): schema inference and reading in
// json-source.ts, writing here (one object per line, nulls omitted unless ignoreNullFields=false).

import type { FileFormat } from "./file-format";
import { registerFileFormat } from "./file-source";
import { inferJsonSchema, jsonValueArrays, readJsonFile, rowToJson } from "./json-source";
import { LINE_CODECS, linesText, writeLineFile } from "./line-writer";
import { textFormats } from "./value-text";

export const jsonFormat: FileFormat = {
  name: "json",
  inferSchema: inferJsonSchema,
  isSplitable: (_path, o) => !o.bool("multiLine", false),
  readFile: (file, cols, o, _filters, metrics) => readJsonFile(file, cols, o, metrics),
  readFileValues: jsonValueArrays,
  defaultCompression: "none",
  fileExtension: (compression) => ".json" + (LINE_CODECS[compression] ?? ""),
  writeFile(path, rows, schema, o, compression) {
    const ignoreNull = o.bool("ignoreNullFields", true);
    const tf = textFormats(o.get("dateFormat"), o.get("timestampFormat"), o.get("timeZone"));
    writeLineFile(path, linesText(rows.map((r) => rowToJson(r, schema, ignoreNull, tf.timestamp, tf.date))), o, compression, "json");
  },
};

registerFileFormat(jsonFormat);
